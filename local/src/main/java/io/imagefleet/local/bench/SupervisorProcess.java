package io.imagefleet.local.bench;

import io.imagefleet.worker.WorkerMain;
import io.imagefleet.worker.supervise.Fleet;
import io.imagefleet.worker.supervise.JvmCommand;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fleet as a user runs it: {@code imagefleet worker --processes P} in a JVM of its own, the
 * supervisor, which keeps P worker JVMs (and a spare) going (the {@link Fleet} the worker command
 * assembles), with their AOT cache as in a pod. Its output (its log and its
 * children's, prefixed) goes to a file that a thread follows, noting as they come the recycles
 * the supervisor logs with its own figures. Stopping sends SIGTERM (the supervisor
 * drains its workers), then kills what is left after the grace period. Not thread-safe, apart
 * from {@link #recycles()}.
 */
final class SupervisorProcess implements AutoCloseable {
    /** How often the log is read when there was nothing new. */
    private static final Duration FOLLOW_INTERVAL = Duration.ofMillis(50);
    static final String SPARE = "spare worker JVM (idle)";
    static final String TRAINER = "AOT training JVM";
    static final String WORKER = "worker JVM";
    /** Who a started JVM is: the label it was started as ("spare" or a slot) and its pid, or the trainer's pid. */
    private static final Pattern STARTED = Pattern.compile(
            "(spare|slot-\\d+) (?:started|takes the spare) \\S+ \\(pid (\\d+)\\)|(training) the AOT cache .* \\(pid (\\d+)\\)");

    private final Process process;
    private final Thread tap;
    private final Thread hook;
    private final RecycleLog recycles = new RecycleLog();
    /** What each worker JVM the supervisor started is now, from its log. */
    private final Map<Long, String> roles = new ConcurrentHashMap<>();

    private SupervisorProcess(Process process, Path logFile) {
        this.process = process;
        this.tap = Thread.ofPlatform().daemon().name("supervisor-log").start(() -> follow(logFile));
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
        // WorkerMain runs the worker command as the launcher's "worker" does.
        List<String> cmd = JvmCommand.of(WorkerMain.class.getName()).jvm(jvmOptions)
                .args("--processes", Integer.toString(processes), "--threads", Integer.toString(threads))
                .toList();
        // To a file that a thread follows: reading the process's own pipe races with its exit.
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().putAll(env);
        // The pod's /metrics and /health on a free port, so the bench never collides with a running fleet.
        pb.environment().putIfAbsent("IMAGEFLEET_METRICS_PORT", "0");
        // Worker JVMs as a pod's image starts them: from an AOT cache (trained by the first run when missing).
        pb.environment().putIfAbsent("IMAGEFLEET_AOT_CACHE", Fleet.localAotCache().toString());
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

    /**
     * What the supervisor's log says each worker JVM it started is now: {@code "spare worker JVM
     * (idle)"}, {@code "AOT training JVM"}, or {@code "worker JVM"} (a slot's); absent for a pid
     * it has not logged.
     */
    Map<Long, String> roles() {
        return Map.copyOf(roles);
    }

    /**
     * The supervisor's lines {@code spare started spare#0 (pid 7)}, {@code slot-0 takes the spare
     * slot-0#2 (pid 7)}, {@code slot-0 started slot-0#1 (pid 8)} and {@code training the AOT cache
     * for worker JVMs with aot-training#0 (pid 9)}.
     */
    static void noteRole(Map<Long, String> roles, String line) {
        Matcher m = STARTED.matcher(line);
        if (m.find() && m.group(3) != null) {
            roles.put(Long.parseLong(m.group(4)), TRAINER);
        } else if (m.find(0)) {
            roles.put(Long.parseLong(m.group(2)), m.group(1).equals("spare") ? SPARE : WORKER);
        }
    }

    /** The recycles finished so far. */
    List<RecycleLog.Recycle> recycles() {
        return recycles.recycles();
    }

    /** SIGTERM, then up to {@code grace} for the workers to drain; returns the supervisor's exit code. */
    int stop(Duration grace) throws InterruptedException {
        // Through the handle: Process.destroy() would also close the output the log thread still reads.
        process.toHandle().destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.toHandle().destroyForcibly();
            process.waitFor();
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

    /** Reads the log as it grows, line by line, until the supervisor has exited and all of it is read. */
    private void follow(Path logFile) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try (FileChannel in = FileChannel.open(logFile, StandardOpenOption.READ)) {
            while (true) {
                boolean exited = !process.isAlive();
                buf.clear();
                int n = in.read(buf);
                if (n > 0) {
                    for (int i = 0; i < n; i++) {
                        byte b = buf.get(i);
                        if (b == '\n') {
                            String text = line.toString(StandardCharsets.UTF_8);
                            recycles.note(text, System.currentTimeMillis());
                            noteRole(roles, text);
                            line.reset();
                        } else {
                            line.write(b);
                        }
                    }
                } else if (exited) {
                    return;
                } else {
                    Thread.sleep(FOLLOW_INTERVAL.toMillis());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the supervisor's log " + logFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
