package io.imagefleet.worker;

import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.admission.PeakEstimate;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.consume.KafkaClients;
import io.imagefleet.worker.consume.LoopHooks;
import io.imagefleet.worker.consume.LoopListener;
import io.imagefleet.worker.consume.LoopSettings;
import io.imagefleet.worker.consume.Replies;
import io.imagefleet.worker.consume.Suspicions;
import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.ImageEncoder;
import io.imagefleet.worker.imaging.ImageOps;
import io.imagefleet.worker.imaging.ImageProbe;
import io.imagefleet.worker.pipeline.Pipeline;
import io.imagefleet.worker.recycle.RecycleGate;
import io.imagefleet.worker.recycle.Recycler;
import io.imagefleet.worker.recycle.ResidentSet;
import io.imagefleet.worker.source.FileSource;
import io.imagefleet.worker.source.Source;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.OutputStores;
import io.imagefleet.worker.supervise.SupervisorLink;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import sun.misc.Signal;

import javax.imageio.ImageIO;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The composition root of a worker JVM: reads the configuration once, builds every object and
 * runs the consumer loop on the main thread until SIGTERM or SIGINT (then it drains, commits and
 * exits 0) or until a recycle is granted (then it drains, commits and exits with
 * {@link ExitCodes#RECYCLE}). Under a supervisor it talks to it over stdin and stdout.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        int code = run(args, Map.of());
        log.debug("exit {}", code);
        System.exit(code);
    }

    /**
     * Runs the {@code worker} command with sources of extra URI schemes, for embedders with
     * sources of their own; returns the exit code.
     */
    public static int run(String[] args, Map<String, Source> extraSources) {
        return new CommandLine(new WorkerCommand(extraSources)).execute(args);
    }

    /**
     * Runs one worker with the given environment until it is told to stop or recycles; returns the
     * exit code. Under a supervisor it builds everything that does not depend on its slot, says
     * hello, and waits for the go that names its slot (a spare JVM waits like this until it is
     * needed).
     */
    static int runWorker(Map<String, String> env, int slot, boolean supervised, Map<String, Source> extraSources)
            throws InterruptedException {
        haltOnError();
        // Taken first, so that nothing but control messages ever reaches stdout.
        SupervisorLink link = supervised ? SupervisorLink.overStdio() : null;
        WorkerConfig config = WorkerConfig.fromEnv(env);
        String host = env.getOrDefault("HOSTNAME", localHostName());
        log.info("worker starting with {}", config.describe());
        MemoryBudget budget = MemoryBudget.ofHeap(config.memoryBudget());
        Pipeline pipeline = pipeline(config, budget, extraSources);

        Stopper stop = new Stopper(link);
        // Handle the signals ourselves rather than through shutdown hooks, so a drained stop exits 0.
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
        if (link != null) {
            link.start(stop);
            KafkaClients.warmUp(config);
            link.hello();
            OptionalInt given = link.awaitGo();
            if (given.isEmpty()) {
                log.info("stopped before it was given a slot");
                return ExitCodes.OK;
            }
            slot = given.getAsInt();
        }
        return consume(config, host, slot, link, pipeline, budget, stop);
    }

    private static Pipeline pipeline(WorkerConfig config, MemoryBudget budget, Map<String, Source> extraSources) {
        ImageIO.setUseCache(false);
        ImageIO.scanForPlugins();
        Map<String, Source> sources = new HashMap<>(extraSources);
        sources.put("file", new FileSource(config.fileRoots(), config.maxSourceBytes()));
        return new Pipeline(
                new Sources(sources),
                new ImageProbe(config.maxPixels()),
                new ImageDecoder(),
                new ImageOps(),
                new ImageEncoder(),
                new OutputStores(Map.of("file", new FileStore(config.outputRoots()))),
                budget,
                System::nanoTime);
    }

    /** Builds the Kafka side for this slot and runs the loop until it stops; returns the exit code. */
    private static int consume(WorkerConfig config, String host, int slot, SupervisorLink link, Pipeline pipeline,
                               MemoryBudget budget, Stopper stop) {
        String workerId = host + "/slot-" + slot;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("imagefleet-timer-"));
        Recycler recycler = new Recycler(config.recycle(), link != null ? link : RecycleGate.IMMEDIATE, timer,
                () -> ThreadLocalRandom.current().nextDouble(), budget::reserved);
        LoopListener counter = new LoopListener() {
            @Override
            public void jobEnded(TopicPartition tp, long offset, String jobId, Outcome outcome) {
                if (outcome == Outcome.ANSWERED) {
                    recycler.jobFinished();
                }
            }
        };
        LoopHooks hooks = link == null ? new LoopHooks(counter, Suspicions.NONE)
                : new LoopHooks(LoopListener.all(link, counter), link);
        LoopSettings settings = LoopSettings.of(config.topics().jobs(), workerId, config.threads(), config.drainTimeout());
        String clientId = "imagefleet-" + host + "-" + slot;
        // A stable member id per slot (static membership): a respawned JVM takes its partitions back without a rebalance.
        String instanceId = link != null ? host + "-slot-" + slot : null;
        ExecutorService pool = Executors.newFixedThreadPool(config.threads(), named("imagefleet-job-"));
        ScheduledExecutorService resender = Executors.newSingleThreadScheduledExecutor(named("imagefleet-resend-"));
        ConsumerLoop loop = new ConsumerLoop(
                new KafkaConsumer<>(KafkaClients.consumer(config, clientId, instanceId, settings.maxInFlight())),
                new KafkaProducer<>(KafkaClients.producer(config, clientId)),
                pipeline::process, pool, resender,
                new Replies(config.topics().results(), config.topics().dlq()),
                settings, Clock.systemUTC(), hooks);
        stop.attach(loop);
        recycler.start(loop::recycle);
        log.info("worker {} consuming", workerId);
        try {
            loop.run();
        } finally {
            recycler.close();
            timer.shutdownNow();
        }
        int code = recycler.granted() ? ExitCodes.RECYCLE : ExitCodes.OK;
        long peakRss = ResidentSet.peak().orElse(-1);
        log.info("exiting {} after {} jobs; peak RSS {} MiB; memory budget high water {} of {}", ExitCodes.describe(code),
                recycler.jobsFinished(), peakRss >> 20, PeakEstimate.format(budget.highWater()),
                PeakEstimate.format(budget.capacity()));
        if (link != null) {
            link.exiting(code, recycler.jobsFinished(), peakRss, budget.highWater(), budget.capacity());
            link.close();
        }
        return code;
    }

    /** Stops the worker from a signal or a closed channel, whether or not its loop exists yet. */
    private static final class Stopper implements Runnable {
        private final SupervisorLink link;
        private final AtomicReference<ConsumerLoop> loop = new AtomicReference<>();
        private volatile boolean requested;

        Stopper(SupervisorLink link) {
            this.link = link;
        }

        @Override
        public void run() {
            requested = true;
            if (link != null) {
                link.release();
            }
            ConsumerLoop l = loop.get();
            if (l != null) {
                l.stop();
            }
        }

        void attach(ConsumerLoop l) {
            loop.set(l);
            if (requested) {
                l.stop();
            }
        }
    }

    /**
     * Any uncaught {@link Error} (a StackOverflowError, an InternalError from a native decoder...)
     * halts the JVM at once: its state can no longer be trusted, and a supervisor respawns it.
     * OutOfMemoryError is handled before this, by {@code -XX:+ExitOnOutOfMemoryError}.
     */
    static void haltOnError() {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof Error) {
                try {
                    System.err.println("halting: uncaught " + e + " in thread " + thread.getName());
                    e.printStackTrace();
                } finally {
                    Runtime.getRuntime().halt(ExitCodes.HALTED_ON_ERROR);
                }
            } else {
                log.error("uncaught exception in thread {}", thread.getName(), e);
            }
        });
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
