package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.worker.supervise.AssignmentChange;
import io.imagefleet.worker.supervise.ChildLogs;
import io.imagefleet.worker.supervise.CrashRecord;
import io.imagefleet.worker.supervise.ExitReport;
import io.imagefleet.worker.supervise.Fleet;
import io.imagefleet.worker.supervise.RecycleRecord;
import io.imagefleet.worker.supervise.Supervisor;
import io.imagefleet.worker.supervise.SupervisorConfig;
import io.imagefleet.worker.supervise.SupervisorListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A supervisor in the test JVM running real worker JVMs ({@link TestWorker}) against the shared
 * broker, on a test's own topics and group, with each slot's log in {@code logs/worker-N.log}:
 * the {@link Fleet} the worker command runs, with the test's worker main class. It records what
 * the supervisor reports (recycles, crashes, partition changes, exits) for the test to check.
 * Closing stops it (SIGTERM to the children) and waits for them.
 */
final class TestFleet implements AutoCloseable {
    /** How to run the fleet. */
    record Spec(int processes, int threads, long childHeap, List<String> jvmOptions, Duration recycleMinGap,
                int maxCrashes, Map<String, String> env) {
        static Spec of(int processes, int threads) {
            // C1 only and one GC thread: the children start faster and leave the two cores to the work.
            return new Spec(processes, threads, 160L << 20, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                    Duration.ZERO, 2, Map.of());
        }

        Spec withEnv(Map<String, String> more) {
            Map<String, String> all = new HashMap<>(env);
            all.putAll(more);
            return new Spec(processes, threads, childHeap, jvmOptions, recycleMinGap, maxCrashes, all);
        }

        Spec withHeap(long bytes, List<String> options) {
            return new Spec(processes, threads, bytes, options, recycleMinGap, maxCrashes, env);
        }
    }

    final Topics topics;
    final Path in;
    final Path out;
    final Path logs;
    final Supervisor supervisor;
    final Map<String, String> env;
    private final Fleet fleet;
    private final Recorder recorder;

    private TestFleet(Topics topics, Path in, Path out, Path logs, Fleet fleet, Recorder recorder,
                      Map<String, String> env) {
        this.topics = topics;
        this.in = in;
        this.out = out;
        this.logs = logs;
        this.fleet = fleet;
        this.supervisor = fleet.supervisor();
        this.recorder = recorder;
        this.env = env;
    }

    /** What the supervisor reported, in order. */
    private static final class Recorder implements SupervisorListener {
        final List<RecycleRecord> recycles = new CopyOnWriteArrayList<>();
        final List<CrashRecord> crashes = new CopyOnWriteArrayList<>();
        final List<AssignmentChange> changes = new CopyOnWriteArrayList<>();
        final List<ExitReport> exits = new CopyOnWriteArrayList<>();

        @Override
        public void recycled(RecycleRecord record) {
            recycles.add(record);
        }

        @Override
        public void crashed(CrashRecord record) {
            crashes.add(record);
        }

        @Override
        public void assignmentChanged(AssignmentChange change) {
            changes.add(change);
        }

        @Override
        public void exited(ExitReport report) {
            exits.add(report);
        }
    }

    List<RecycleRecord> recycles() {
        return List.copyOf(recorder.recycles);
    }

    List<CrashRecord> crashes() {
        return List.copyOf(recorder.crashes);
    }

    List<AssignmentChange> assignmentChanges() {
        return List.copyOf(recorder.changes);
    }

    /** What each worker JVM that exited on purpose reported as it went. */
    List<ExitReport> exitReports() {
        return List.copyOf(recorder.exits);
    }

    /** The environment every worker JVM of a test fleet gets. */
    static Map<String, String> env(Topics topics, Path in, Path out, int threads) {
        return env(topics, in, out, threads, SharedKafka.bootstrapServers());
    }

    static Map<String, String> env(Topics topics, Path in, Path out, int threads, String bootstrap) {
        Map<String, String> env = SharedKafka.workerEnv(bootstrap, topics, in, out);
        env.put("IMAGEFLEET_THREADS", Integer.toString(threads));
        env.put("IMAGEFLEET_DRAIN_TIMEOUT", "20s");
        env.put("HOSTNAME", "test");
        return env;
    }

    static TestFleet start(Path dir, Topics topics, Spec spec, SupervisorListener listener) {
        return start(dir, topics, spec, listener, SharedKafka.bootstrapServers());
    }

    /** A fleet against the broker at {@code bootstrap} (a test's own broker, say). */
    static TestFleet start(Path dir, Topics topics, Spec spec, SupervisorListener listener, String bootstrap) {
        try {
            Path in = Files.createDirectories(dir.resolve("in"));
            Path out = Files.createDirectories(dir.resolve("out"));
            Path logs = Files.createDirectories(dir.resolve("logs"));
            Map<String, String> env = env(topics, in, out, spec.threads(), bootstrap);
            env.putAll(spec.env());
            SupervisorConfig config = new SupervisorConfig(spec.processes(), spec.childHeap(), spec.jvmOptions(),
                    Duration.ofSeconds(40), spec.recycleMinGap(), spec.maxCrashes(), Duration.ofSeconds(4), null);
            Recorder recorder = new Recorder();
            Fleet fleet = Fleet.builder(config, env).mainClass(TestWorker.class.getName()).logs(ChildLogs.files(logs))
                    .listener(recorder).listener(listener).build();
            return new TestFleet(topics, in, out, logs, fleet.start(), recorder, env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until every slot's worker JVM holds partitions: the group has settled. */
    void awaitEverySlotAssigned() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> !supervisor.slots().isEmpty() && supervisor.slots().stream()
                        .allMatch(s -> s.pid() > 0 && !s.partitions().isEmpty()));
    }

    /** Stops the fleet; true when every child drained and exited cleanly. */
    boolean stop() throws InterruptedException {
        boolean clean = fleet.stop(Duration.ofSeconds(90));
        if (supervisor.state() != Supervisor.State.STOPPED) {
            throw new AssertionError("the fleet did not stop within 90 s; logs in " + logs);
        }
        return clean;
    }

    /** Every child's log, for a failure message. */
    String logTail() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                sb.append("---- ").append(f.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> sb.append(l).append('\n'));
            }
        } catch (IOException e) {
            sb.append("(logs unreadable: ").append(e).append(')');
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (supervisor.state() != Supervisor.State.STOPPED) {
            stop();
        }
    }
}
