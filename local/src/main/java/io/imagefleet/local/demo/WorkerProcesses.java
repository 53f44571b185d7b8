package io.imagefleet.local.demo;

import io.imagefleet.worker.WorkerMain;
import io.imagefleet.worker.supervise.JvmCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Worker JVMs started from this JVM's class path, each with its own log file. Stopping sends
 * SIGTERM (the workers drain and commit), then kills whatever is left after the grace period.
 * A shutdown hook makes sure none outlives this JVM. Not thread-safe.
 */
public final class WorkerProcesses implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::kill, "worker-processes-stop");

    /**
     * Starts {@code count} worker JVMs, or one supervisor when {@code supervisorProcesses > 0}.
     *
     * @param env     the IMAGEFLEET_* settings, added to this JVM's environment
     * @param logDir  where worker-N.log files go
     */
    public static WorkerProcesses start(int count, Map<String, String> env, List<String> jvmOptions, Path logDir)
            throws IOException {
        WorkerProcesses fleet = new WorkerProcesses();
        Runtime.getRuntime().addShutdownHook(fleet.hook);
        for (int slot = 0; slot < count; slot++) {
            List<String> cmd = JvmCommand.of(WorkerMain.class.getName()).jvm(jvmOptions)
                    .args("--slot", Integer.toString(slot)).toList();
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(logDir.resolve("worker-" + slot + ".log").toFile());
            pb.environment().putAll(env);
            // Several workers on one machine: each serves /metrics and /health on a free port unless told one.
            pb.environment().putIfAbsent("IMAGEFLEET_METRICS_PORT", "0");
            fleet.processes.add(pb.start());
        }
        return fleet;
    }

    public List<Process> processes() {
        return List.copyOf(processes);
    }

    /** SIGTERM to every worker, then waits up to the grace period; returns their exit codes. */
    public List<Integer> stop(long graceSeconds) throws InterruptedException {
        processes.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        List<Integer> codes = new ArrayList<>();
        for (Process p : processes) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                p.destroyForcibly().waitFor();
            }
            codes.add(p.exitValue());
        }
        removeHook();
        return codes;
    }

    private void kill() {
        processes.forEach(Process::destroyForcibly);
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook runs anyway
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(30);
    }
}
