package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.worker.supervise.ChildLauncher;
import io.imagefleet.worker.supervise.ChildLogs;
import io.imagefleet.worker.supervise.Supervisor;
import io.imagefleet.worker.supervise.SupervisorConfig;
import io.imagefleet.worker.supervise.SupervisorListener;
import io.imagefleet.worker.supervise.SupervisorMain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A supervisor in the test JVM running real worker JVMs ({@link TestWorker}) against the shared
 * broker, on a test's own topics and group, with each slot's log in {@code logs/worker-N.log}.
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

    private TestFleet(Topics topics, Path in, Path out, Path logs, Supervisor supervisor, Map<String, String> env) {
        this.topics = topics;
        this.in = in;
        this.out = out;
        this.logs = logs;
        this.supervisor = supervisor;
        this.env = env;
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
            List<String> options = new ArrayList<>(SupervisorMain.childJvmOptions(config, spec.childHeap()));
            ChildLauncher launcher = new ChildLauncher(TestWorker.class.getName(), options, List.of(), env,
                    ChildLogs.files(logs), System::nanoTime);
            Supervisor supervisor = new Supervisor(config, launcher, listener, Clock.systemUTC(), System::nanoTime);
            supervisor.start();
            return new TestFleet(topics, in, out, logs, supervisor, env);
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
        supervisor.stop();
        if (!supervisor.awaitStopped(Duration.ofSeconds(90))) {
            throw new AssertionError("the fleet did not stop within 90 s; logs in " + logs);
        }
        return supervisor.exitCode() == 0;
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
