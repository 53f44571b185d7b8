package io.imagefleet.worker.supervise;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The composition root of the supervisor JVM ({@code imagefleet worker --processes N}): reads the
 * configuration once, works out each worker JVM's options, starts the {@link Supervisor} and
 * waits until SIGTERM or SIGINT has stopped every child.
 */
public final class SupervisorMain {
    private static final Logger log = LoggerFactory.getLogger(SupervisorMain.class);
    /** The worker JVM's main class. */
    public static final String WORKER_MAIN = "io.imagefleet.worker.WorkerMain";

    private SupervisorMain() {
    }

    /** Runs the supervisor with this environment until it is stopped; returns the exit code. */
    public static int run(Map<String, String> env) throws InterruptedException {
        SupervisorConfig config = SupervisorConfig.fromEnv(env);
        long heap = config.childHeap() > 0 ? config.childHeap() : ChildHeap.derive(ChildHeap.totalMemory(), config.processes());
        log.info("supervisor (pid {}) starting with {}", ProcessHandle.current().pid(), config.describe(heap));
        ChildLauncher launcher = new ChildLauncher(WORKER_MAIN, childJvmOptions(config, heap), List.of(), env,
                ChildLogs.prefixed(System.err), System::nanoTime, config.aotCache());
        Supervisor supervisor = new Supervisor(config, launcher, SupervisorListener.NONE, Clock.systemUTC(), System::nanoTime);
        Signal.handle(new Signal("TERM"), s -> supervisor.stop());
        Signal.handle(new Signal("INT"), s -> supervisor.stop());
        supervisor.start();
        while (!supervisor.awaitStopped(Duration.ofSeconds(1))) {
            // the supervisor's own thread does the work
        }
        log.info("supervisor exiting {}", supervisor.exitCode());
        return supervisor.exitCode();
    }

    /**
     * Every worker JVM's options: its heap, exit on OutOfMemoryError (the JVM's state cannot be
     * trusted after one, and a supervisor respawns it), then the user's options.
     */
    public static List<String> childJvmOptions(SupervisorConfig config, long heap) {
        List<String> opts = new ArrayList<>();
        opts.add("-Xmx" + (heap >> 20) + "m");
        opts.add("-XX:+ExitOnOutOfMemoryError");
        opts.addAll(config.childJvmOptions());
        return opts;
    }
}
