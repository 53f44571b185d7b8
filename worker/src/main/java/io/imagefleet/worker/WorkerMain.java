package io.imagefleet.worker;

import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.config.NativeMode;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.control.SupervisorLink;
import io.imagefleet.worker.imaging.ImageIoDefaults;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
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
        try (WorkerRuntime runtime = new WorkerRuntime(config, host, slot, link, extraSources)) {
            return runtime.run(slot);
        }
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
     * the configured memory budget and stuck-job handling), for the bench to measure without
     * Kafka. The caller closes it.
     */
    public static WorkerPipeline pipeline(WorkerConfig config, String host) {
        hardenProcess();
        NativeCodecs natives = loadNatives(config);
        natives.report().forEach(line -> log.info("native codecs: {}", line));
        return new WorkerPipeline(config, host, MemoryBudget.ofHeap(config.memoryBudget()),
                new StuckJobs(config.jobTimeout()), natives, Map.of());
    }

    /**
     * Process-wide settings that keep untrusted images harmless: ImageIO keeps its streams in
     * memory (no disk cache), and every XML parser in the JVM (image metadata: XMP in JPEG,
     * TIFF, PSD) refuses external DTDs, schemas and entities.
     */
    static void hardenProcess() {
        ImageIoDefaults.apply();
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
