package io.imagefleet.worker;

import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.consume.KafkaClients;
import io.imagefleet.worker.consume.LoopSettings;
import io.imagefleet.worker.consume.Replies;
import io.imagefleet.worker.config.NativeMode;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.pipeline.Admission;
import io.imagefleet.worker.pipeline.JobWatchdog;
import io.imagefleet.worker.pipeline.Pipeline;
import io.imagefleet.worker.source.AddressPolicy;
import io.imagefleet.worker.source.FileSource;
import io.imagefleet.worker.source.HttpConnector;
import io.imagefleet.worker.source.HttpSource;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.HttpStore;
import io.imagefleet.worker.store.OutputStores;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import sun.misc.Signal;

import javax.imageio.ImageIO;
import javax.net.ssl.SSLSocketFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The composition root of a worker JVM: reads the configuration once, builds every object and
 * runs the consumer loop on the main thread until SIGTERM or SIGINT, after which it drains,
 * commits and exits 0.
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
        System.exit(new CommandLine(new WorkerCommand()).execute(args));
    }

    /** Runs one worker with the given environment until it is told to stop; returns the exit code. */
    static int runWorker(Map<String, String> env, int slot) {
        WorkerConfig config = WorkerConfig.fromEnv(env);
        String host = env.getOrDefault("HOSTNAME", localHostName());
        String workerId = host + "/slot-" + slot;
        log.info("worker {} starting with {}", workerId, config.describe());

        Pipeline pipeline = pipeline(config, workerId);

        LoopSettings settings = LoopSettings.of(config.topics().jobs(), workerId, config.threads(), config.drainTimeout());
        String clientId = "imagefleet-" + host + "-" + slot;
        ExecutorService pool = Executors.newFixedThreadPool(config.threads(), named("imagefleet-job-"));
        ScheduledExecutorService resender = Executors.newSingleThreadScheduledExecutor(named("imagefleet-resend-"));
        ConsumerLoop loop = new ConsumerLoop(
                new KafkaConsumer<>(KafkaClients.consumer(config, clientId, settings.maxInFlight())),
                new KafkaProducer<>(KafkaClients.producer(config, clientId)),
                pipeline::process, pool, resender,
                new Replies(config.topics().results(), config.topics().dlq()),
                settings, Clock.systemUTC());

        // Handle the signals ourselves rather than through shutdown hooks, so a drained stop exits 0.
        Signal.handle(new Signal("TERM"), s -> loop.stop());
        Signal.handle(new Signal("INT"), s -> loop.stop());
        loop.run();
        return 0;
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
    static int check(Map<String, String> env, java.io.PrintStream out) {
        WorkerConfig config = WorkerConfig.fromEnv(env);
        out.println("configuration: ok");
        try {
            NativeCodecs natives = loadNatives(config);
            natives.report().forEach(line -> out.println("native " + line));
            out.println("native mode: " + config.nativeCodecs().name().toLowerCase(java.util.Locale.ROOT)
                    + " (IMAGEFLEET_NATIVE)");
            return 0;
        } catch (NativeCodecs.Missing e) {
            out.println("native: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The pipeline a worker JVM runs, built from its configuration: sources, imaging, stores, the
     * job watchdog, with the process hardened first. Public so that the bench measures exactly
     * what a worker runs, without Kafka.
     */
    public static Pipeline pipeline(WorkerConfig config, String workerId) {
        hardenProcess();
        NativeCodecs natives = loadNatives(config);
        natives.report().forEach(line -> log.info("native codecs: {}", line));
        HttpConnector http = new HttpConnector(
                new AddressPolicy(config.http().allowHosts(), config.http().allowPrivate()),
                (SSLSocketFactory) SSLSocketFactory.getDefault(), config.http().connectTimeout(), "imagefleet/" + workerId);
        HttpSource httpSource = new HttpSource(http, config.maxSourceBytes());
        HttpStore httpStore = new HttpStore(http);
        ScheduledExecutorService watchdogThread = Executors.newSingleThreadScheduledExecutor(named("imagefleet-watchdog-"));
        return new Pipeline(
                new Sources(Map.of("file", new FileSource(config.fileRoots(), config.maxSourceBytes()),
                        "http", httpSource, "https", httpSource)),
                Imaging.of(config.maxPixels(), natives),
                new OutputStores(Map.of("file", new FileStore(config.outputRoots()), "http", httpStore, "https", httpStore)),
                Admission.UNBOUNDED,
                new JobWatchdog(config.jobTimeout(), config.jobStuckAfter(), watchdogThread, System::nanoTime),
                new LoggedStuckJobs());
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

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
