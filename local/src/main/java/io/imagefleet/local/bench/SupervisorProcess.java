package io.imagefleet.local.bench;

import io.imagefleet.local.cli.Main;
import io.imagefleet.worker.supervise.JvmCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fleet as a user runs it: {@code imagefleet worker --processes P} in a JVM of its own, the
 * supervisor, which keeps P worker JVMs (and a spare) going. Its output (its log and its
 * children's, prefixed) is copied to a file by a thread that also notes, as they come, the
 * recycles the supervisor logs with its own figures. Stopping sends SIGTERM (the supervisor
 * drains its workers), then kills what is left after the grace period. Not thread-safe, apart
 * from {@link #recycles()}.
 */
final class SupervisorProcess implements AutoCloseable {
    private final Process process;
    private final Thread tap;
    private final Thread hook;
    private final RecycleLog recycles = new RecycleLog();

    private SupervisorProcess(Process process, Path logFile) throws IOException {
        this.process = process;
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
        this.tap = Thread.ofPlatform().daemon().name("supervisor-log").start(() -> copy(log));
        this.hook = new Thread(() -> process.destroyForcibly(), "supervisor-kill");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts {@code imagefleet worker --processes P --threads T}.
     *
     * @param env the IMAGEFLEET_* settings of the fleet, added to this JVM's environment
     */
    static SupervisorProcess start(int processes, int threads, Map<String, String> env, List<String> jvmOptions,
                                   Path logFile) throws IOException {
        List<String> cmd = JvmCommand.of(Main.class.getName()).jvm(jvmOptions)
                .args("worker", "--processes", Integer.toString(processes), "--threads", Integer.toString(threads))
                .toList();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        return new SupervisorProcess(pb.start(), logFile);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** The worker JVMs the supervisor runs now (its children: the slots' JVMs and the spare). */
    List<Long> workerPids() {
        return process.toHandle().children().map(ProcessHandle::pid).toList();
    }

    /** The recycles finished so far. */
    List<RecycleLog.Recycle> recycles() {
        return recycles.recycles();
    }

    /** SIGTERM, then up to {@code grace} for the workers to drain; returns the supervisor's exit code. */
    int stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        tap.join(TimeUnit.SECONDS.toMillis(10));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(60));
        }
    }

    private void copy(PrintWriter log) {
        try (log; BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.println(line);
                recycles.note(line, System.currentTimeMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the supervisor's output", e);
        }
    }
}
