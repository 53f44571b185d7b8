package io.imagefleet.worker;

import io.imagefleet.worker.admission.JobAdmission;
import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.admission.PeakEstimate;
import io.imagefleet.worker.config.Delivery;
import io.imagefleet.worker.config.NativeMode;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.consume.KafkaClients;
import io.imagefleet.worker.consume.LoopHooks;
import io.imagefleet.worker.consume.LoopListener;
import io.imagefleet.worker.consume.LoopSettings;
import io.imagefleet.worker.consume.Outbox;
import io.imagefleet.worker.consume.QueuedListener;
import io.imagefleet.worker.consume.Replies;
import io.imagefleet.worker.consume.Suspicions;
import io.imagefleet.worker.consume.TopicCheck;
import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.pipeline.OutputLimits;
import io.imagefleet.worker.pipeline.Pipeline;
import io.imagefleet.worker.pipeline.Presets;
import io.imagefleet.worker.recycle.RecycleGate;
import io.imagefleet.worker.recycle.Recycler;
import io.imagefleet.worker.recycle.ResidentSet;
import io.imagefleet.worker.source.AddressPolicy;
import io.imagefleet.worker.source.FileSource;
import io.imagefleet.worker.source.HttpConnector;
import io.imagefleet.worker.source.HttpSource;
import io.imagefleet.worker.source.S3Endpoint;
import io.imagefleet.worker.source.S3Source;
import io.imagefleet.worker.source.Source;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.HttpStore;
import io.imagefleet.worker.store.OutputStores;
import io.imagefleet.worker.store.S3Store;
import io.imagefleet.worker.supervise.SupervisorLink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import sun.misc.Signal;

import javax.imageio.ImageIO;
import javax.net.ssl.SSLSocketFactory;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root of a worker JVM: reads the configuration once, builds every object and
 * runs the consumer loop on the main thread until SIGTERM or SIGINT (then it drains, commits and
 * exits 0) or until a recycle is granted (then it drains, commits and exits with
 * {@link ExitCodes#RECYCLE}). Under a supervisor it talks to it over stdin and stdout.
 */
public final class WorkerMain {
    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);
    /**
     * Test flag only: with {@code -Dimagefleet.test.nativeCrash=true} every native JPEG decode
     * crashes the JVM in native code, to show that a native crash takes down one worker JVM.
     */
    public static final String TEST_NATIVE_CRASH = "imagefleet.test.nativeCrash";

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
        if (link == null) {
            log.info("worker starting with {}", config.describe());
        } else {
            // The supervisor logged the same configuration once for all its worker JVMs.
            log.debug("worker starting with {}", config.describe());
        }
        hardenProcess();
        MemoryBudget budget = MemoryBudget.ofHeap(config.memoryBudget());
        try (WorkerTelemetry telemetry = new WorkerTelemetry(config.observability(),
                link == null ? Integer.toString(slot) : null, config.topics(), budget)) {
            telemetry.residentLimit(config.recycle().rssBytes());
            if (link == null) {
                // Before anything slow, so that the probes answer (not ready yet) while the worker starts.
                telemetry.serve();
            }
            return runWorker(config, host, slot, link, budget, telemetry, extraSources);
        }
    }

    private static int runWorker(WorkerConfig config, String host, int slot, SupervisorLink link, MemoryBudget budget,
                                 WorkerTelemetry telemetry, Map<String, Source> extraSources) throws InterruptedException {
        StuckJobs stuck = new StuckJobs(config.jobTimeout());
        Pipeline pipeline = pipeline(config, host, budget, stuck, extraSources, telemetry::natives);

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
        return consume(new Parts(config, host, slot, link, pipeline, budget, stuck, telemetry), stop);
    }

    /** What the consuming half of a worker is built from. */
    private record Parts(WorkerConfig config, String host, int slot, SupervisorLink link, Pipeline pipeline,
                         MemoryBudget budget, StuckJobs stuck, WorkerTelemetry telemetry) {
    }

    /** The pipeline a worker runs jobs with: sources, codecs (native when available), stores, admission, watchdog. */
    static Pipeline pipeline(WorkerConfig config, String host, MemoryBudget budget, StuckJobs stuck,
                             Map<String, Source> extraSources) {
        return pipeline(config, host, budget, stuck, extraSources, natives -> { });
    }

    /** The same, telling {@code loaded} which native codecs it found (for the metrics). */
    static Pipeline pipeline(WorkerConfig config, String host, MemoryBudget budget, StuckJobs stuck,
                             Map<String, Source> extraSources, java.util.function.Consumer<NativeCodecs> loaded) {
        NativeCodecs natives = loadNatives(config);
        natives.report().forEach(line -> log.info("native codecs: {}", line));
        loaded.accept(natives);
        HttpConnector http = new HttpConnector(
                new AddressPolicy(config.http().allowHosts(), config.http().allowPrivate()),
                (SSLSocketFactory) SSLSocketFactory.getDefault(), config.http().connectTimeout(), "imagefleet/" + host);
        HttpSource httpSource = new HttpSource(http, config.maxSourceBytes());
        HttpStore httpStore = new HttpStore(http);
        // One pooled client for the JVM's life, shared by s3:// sources and targets; the endpoint is trusted as configured.
        S3Endpoint s3 = S3Endpoint.of(config.s3(), config.http().connectTimeout());
        ScheduledExecutorService watchdogThread = Executors.newSingleThreadScheduledExecutor(named("imagefleet-watchdog-"));
        Map<String, Source> sources = new HashMap<>(extraSources);
        sources.put("file", new FileSource(config.fileRoots(), config.maxSourceBytes()));
        sources.put("http", httpSource);
        sources.put("https", httpSource);
        sources.put("s3", new S3Source(s3, config.maxSourceBytes()));
        return new Pipeline(
                new Sources(sources),
                Imaging.of(config.maxPixels(), config.limits().maxFrames(), natives),
                new OutputStores(Map.of("file", new FileStore(config.outputRoots()), "http", httpStore, "https", httpStore,
                        "s3", new S3Store(s3))),
                new JobAdmission(budget, new OutputLimits(config.limits().maxOutputPixels())),
                new JobWatchdog(config.jobTimeout(), config.jobStuckAfter(), watchdogThread, System::nanoTime),
                stuck, new Presets(config.presets().specs(), config.presets().only()));
    }

    /** Builds the Kafka side for this slot and runs the loop until it stops; returns the exit code. */
    private static int consume(Parts p, Stopper stop) {
        WorkerConfig config = p.config();
        String workerId = p.host() + "/slot-" + p.slot();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("imagefleet-timer-"));
        Recycler recycler = new Recycler(config.recycle(), p.link() != null ? p.link() : RecycleGate.IMMEDIATE, timer,
                () -> ThreadLocalRandom.current().nextDouble(), p.budget()::reserved);
        LoopListener counter = new LoopListener() {
            @Override
            public void jobEnded(TopicPartition tp, long offset, String jobId, Outcome outcome) {
                if (outcome == Outcome.ANSWERED) {
                    recycler.jobFinished();
                }
            }
        };
        LoopListener seen = LoopListener.all(counter, p.telemetry().loopListener());
        String clientId = "imagefleet-" + p.host() + "-" + p.slot();
        Admin admin = Admin.create(KafkaClients.admin(config, clientId));
        TopicCheck topics = TopicCheck.describing(admin, KafkaClients.TOPIC_CHECK_TIMEOUT);
        // The supervisor hears on a thread of its own: a pipe write never blocks the poll thread.
        QueuedListener toSupervisor = p.link() == null ? null
                : new QueuedListener(p.link(), 10_000, "imagefleet-supervisor-news", Duration.ofSeconds(1));
        LoopHooks hooks = p.link() == null ? new LoopHooks(seen, Suspicions.NONE, topics)
                : new LoopHooks(LoopListener.all(toSupervisor, seen), p.link(), topics);
        LoopSettings settings = LoopSettings.of(config.topics().jobs(), workerId, config.threads(), config.drainTimeout(),
                config.retry());
        // A stable member id per slot (static membership): a respawned JVM takes its partitions back without a rebalance.
        String instanceId = p.link() != null ? p.host() + "-slot-" + p.slot() : null;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(config.threads(), config.threads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), named("imagefleet-job-"));
        p.telemetry().pool(config.threads(), pool::getActiveCount);
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(named("imagefleet-retry-"));
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(KafkaClients.consumer(config, clientId, instanceId, settings.maxInFlight()));
        ConsumerLoop loop = new ConsumerLoop(consumer,
                outbox(config, clientId, p.host(), p.slot(), consumer, p.telemetry()),
                p.pipeline()::process, pool, retries,
                new Replies(config.topics().results(), config.topics().dlq(), config.reply(),
                        KafkaClients.maxRecordBytes(config), p.telemetry().replyListener()),
                settings, Clock.systemUTC(), hooks);
        p.telemetry().attach(loop, consumer);
        p.telemetry().poll().stallAfter(stallLimit(config));
        if (p.link() != null) {
            p.telemetry().reportTo(p.link());
        }
        stop.attach(loop);
        p.stuck().attach(loop, recycler);
        recycler.start(loop::recycle);
        log.info("worker {} consuming", workerId);
        try {
            loop.run();
        } finally {
            recycler.close();
            timer.shutdownNow();
            admin.close(Duration.ofSeconds(1));
            if (toSupervisor != null) {
                toSupervisor.close();
            }
        }
        return exit(recycler, p.budget(), p.link());
    }

    /**
     * The longest a loop may hold jobs without starting or finishing one before it counts as
     * stalled (not live): every attempt of a job running to its deadline and past it until it is
     * reported stuck, the retry waits between them, and a margin.
     */
    static Duration stallLimit(WorkerConfig config) {
        return config.jobTimeout().plus(config.jobStuckAfter()).multipliedBy(config.retry().maxAttempts())
                .plus(config.retry().worstCaseWait()).plusSeconds(30);
    }

    /**
     * How answers and offsets reach Kafka: at least once, or exactly once with a transactional
     * producer whose id is stable per slot, so that a respawned slot's producer aborts whatever
     * its dead predecessor left open.
     */
    private static Outbox outbox(WorkerConfig config, String clientId, String host, int slot,
                                 KafkaConsumer<byte[], byte[]> consumer, WorkerTelemetry telemetry) {
        if (config.delivery() == Delivery.EXACTLY_ONCE) {
            String transactionalId = "imagefleet-" + config.groupId() + "-" + host + "-slot-" + slot;
            log.info("exactly-once delivery: results and offsets in transactions of {}", transactionalId);
            return Outbox.exactlyOnce(() -> telemetry.producer(
                    new KafkaProducer<>(KafkaClients.producer(config, clientId, transactionalId))), consumer);
        }
        return Outbox.atLeastOnce(telemetry.producer(new KafkaProducer<>(KafkaClients.producer(config, clientId))),
                consumer);
    }

    private static int exit(Recycler recycler, MemoryBudget budget, SupervisorLink link) {
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

    /** The native codecs the configuration asks for; the test-only crash flag is a system property. */
    static NativeCodecs loadNatives(WorkerConfig config) {
        if (config.nativeCodecs() == NativeMode.OFF) {
            return NativeCodecs.none();
        }
        return NativeCodecs.load(config.nativeCodecs() == NativeMode.REQUIRED, Boolean.getBoolean(TEST_NATIVE_CRASH));
    }

    /**
     * {@code imagefleet worker --check}: checks the configuration and says which native codecs
     * this worker would use. Returns 0 when the worker could start, 1 when a required library
     * is missing (configuration errors throw, as at start).
     */
    static int check(Map<String, String> env, PrintStream out) {
        WorkerConfig config = WorkerConfig.fromEnv(env);
        out.println("configuration: ok");
        try {
            NativeCodecs natives = loadNatives(config);
            natives.report().forEach(line -> out.println("native " + line));
            out.println("native mode: " + config.nativeCodecs().name().toLowerCase(Locale.ROOT)
                    + " (IMAGEFLEET_NATIVE)");
            return 0;
        } catch (NativeCodecs.Missing e) {
            out.println("native: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The pipeline a worker JVM runs, built as {@link #runWorker} builds it (the process hardened,
     * the configured memory budget and stuck-job handling), for the bench to measure without Kafka.
     */
    public static Pipeline pipeline(WorkerConfig config, String host) {
        hardenProcess();
        return pipeline(config, host, MemoryBudget.ofHeap(config.memoryBudget()), new StuckJobs(config.jobTimeout()),
                Map.of());
    }

    /**
     * Process-wide settings that keep untrusted images harmless: ImageIO keeps its streams in
     * memory (no disk cache), and every XML parser in the JVM (image metadata: XMP in JPEG,
     * TIFF, PSD) refuses external DTDs, schemas and entities.
     */
    static void hardenProcess() {
        ImageIO.setUseCache(false);
        System.setProperty("javax.xml.accessExternalDTD", "");
        System.setProperty("javax.xml.accessExternalSchema", "");
        System.setProperty("javax.xml.accessExternalStylesheet", "");
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
