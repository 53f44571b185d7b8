package io.imagefleet.worker.supervise;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * N worker JVMs kept by a {@link Supervisor} in this JVM, assembled in one place for every user:
 * the worker command ({@link SupervisorMain}, which the bench runs as a process of its own), the
 * demo and the fleet tests. It works out each worker JVM's heap, options and environment, starts
 * them through a {@link JvmLauncher}, and stops them on {@link #close()}. Thread-safe.
 */
public final class Fleet implements AutoCloseable {
    private final Supervisor supervisor;
    private final long childHeap;

    private Fleet(Supervisor supervisor, long childHeap) {
        this.supervisor = supervisor;
        this.childHeap = childHeap;
    }

    /** A fleet with this configuration; {@code env} is what the worker JVMs read (their IMAGEFLEET_* settings). */
    public static Builder builder(SupervisorConfig config, Map<String, String> env) {
        return new Builder(config, env);
    }

    /**
     * Where a fleet on one machine (the demo, the bench) keeps its worker JVMs' AOT cache between
     * runs: in the temporary directory, named after this JDK and its class path entries with their
     * sizes and modification times, so a rebuild (jars rewritten in place, which the JVM would refuse
     * to map a cache for) or another JDK gets a cache of its own. A pod's image has its own, trained
     * at build time.
     */
    public static Path localAotCache() {
        StringBuilder key = new StringBuilder(Runtime.version().toString());
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            java.io.File f = new java.io.File(entry);
            key.append('|').append(entry).append(':').append(f.length()).append(':').append(f.lastModified());
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "imagefleet-aot",
                "worker-" + Integer.toHexString(key.toString().hashCode()) + ".aot");
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    /** Each worker JVM's -Xmx: configured, or derived from the memory and the number of processes. */
    public long childHeap() {
        return childHeap;
    }

    /** Starts every worker JVM and the supervisor's thread. */
    public Fleet start() {
        supervisor.start();
        return this;
    }

    /**
     * SIGTERM to every worker JVM (they drain and commit), killing what is left after the grace
     * period; true when every one exited cleanly within {@code timeout}.
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        supervisor.stop();
        return supervisor.awaitStopped(timeout) && supervisor.exitCode() == 0;
    }

    /** Stops the fleet, waiting up to the grace period and a little more. */
    @Override
    public void close() throws InterruptedException {
        if (supervisor.state() != Supervisor.State.STOPPED) {
            stop(Duration.ofSeconds(90));
        }
    }

    /** How to assemble a fleet; every setting but the configuration and environment has a default. Not thread-safe. */
    public static final class Builder {
        private final SupervisorConfig config;
        private final Map<String, String> env;
        private final List<SupervisorListener> listeners = new ArrayList<>();
        private String mainClass = SupervisorMain.WORKER_MAIN;
        private ChildLogs logs = ChildLogs.prefixed(System.err);
        private Path aotCache;

        private Builder(SupervisorConfig config, Map<String, String> env) {
            this.config = config;
            this.env = Map.copyOf(env);
            this.aotCache = config.aotCache();
        }

        /** The worker JVMs' main class (a test's own worker, say); {@code WorkerMain} by default. */
        public Builder mainClass(String name) {
            this.mainClass = name;
            return this;
        }

        /** Where the worker JVMs' log lines go; this JVM's stderr, prefixed with the slot, by default. */
        public Builder logs(ChildLogs childLogs) {
            this.logs = childLogs;
            return this;
        }

        /** Hears what the supervisor does; may be called more than once. */
        public Builder listener(SupervisorListener listener) {
            listeners.add(listener);
            return this;
        }

        /** The fleet, not started yet. */
        public Fleet build() {
            long heap = config.childHeap() > 0 ? config.childHeap() : ChildHeap.derive(ChildHeap.totalMemory(),
                    config.processes());
            JvmLauncher launcher = new JvmLauncher(mainClass, SupervisorMain.childJvmOptions(config, heap), List.of(),
                    SupervisorMain.childEnvironment(env, heap), logs, System::nanoTime, aotCache);
            SupervisorListener listener = listeners.isEmpty() ? SupervisorListener.NONE : SupervisorListener.all(listeners);
            return new Fleet(new Supervisor(config, launcher, listener, Clock.systemUTC(), System::nanoTime), heap);
        }
    }
}
