package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.cli.Main;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.Job;
import io.imagefleet.worker.supervise.JvmCommand;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code imagefleet worker --processes 2} as its own process, stopped with SIGTERM mid-run. */
class ShutdownTest {
    private static final Duration GRACE = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    void sigterm_supervisorMidRun_childrenDrainCommitAndItExitsZeroWithinTheGrace() throws Exception {
        Topics topics = SharedKafka.freshTopics("sigterm", 4);
        Path in = dir.resolve("in");
        Path out = Files.createDirectories(dir.resolve("out"));
        List<Path> images = SampleImages.generate(in, 6, 0.8, 1.2, 21);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            jobs.add(FleetJobs.thumbnail(String.format("s-%02d", i), images.get(i % images.size()).toUri().toString(), out));
        }
        Map<String, String> env = TestFleet.env(topics, in, out, 1);
        env.put("IMAGEFLEET_CHILD_HEAP", "160m");
        env.put("IMAGEFLEET_CHILD_JVM_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        env.put("IMAGEFLEET_SHUTDOWN_GRACE", GRACE.toSeconds() + "s");
        env.put("IMAGEFLEET_METRICS_PORT", "0");
        ProcessBuilder pb = new ProcessBuilder(JvmCommand.of(Main.class.getName()).jvm("-Xmx128m")
                .args("worker", "--processes", "2").toList())
                .redirectErrorStream(true).redirectOutput(dir.resolve("supervisor.log").toFile());
        pb.environment().putAll(env);
        Process supervisor = pb.start();

        Map<String, RecordMetadata> where;
        try (ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            where = FleetJobs.publish(topics, jobs);
            Set<String> seen = new HashSet<>();
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                reader.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.result().jobId()));
                return seen.size() >= 15;
            });
        } finally {
            supervisor.destroy();
        }
        long start = System.nanoTime();
        assertThat(supervisor.waitFor(GRACE.toSeconds() + 20, TimeUnit.SECONDS)).as(() -> log(dir)).isTrue();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(supervisor.exitValue()).as(() -> log(dir)).isZero();
        assertThat(tookMs).isLessThan(GRACE.toMillis());

        // Every answered job's partition has a committed position. An answered job may sit above it when a job
        // fetched before it was left for redelivery: it is then named in the commit's metadata, and the fresh
        // fleet below proves the point end to end (nothing answered is delivered again: no duplicates).
        Map<String, List<ReceivedResult>> answered = FleetJobs.allResults(topics);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (Admin admin = Admin.create(SharedKafka.kafka().clientProperties())) {
            committed = admin.listConsumerGroupOffsets(env.get("IMAGEFLEET_GROUP_ID")).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
        }
        assertThat(answered.size()).as("stopped mid-run").isBetween(15, jobs.size() - 1);
        assertThat(answered.keySet()).allSatisfy(id -> {
            RecordMetadata md = where.get(id);
            OffsetAndMetadata c = committed.get(new TopicPartition(md.topic(), md.partition()));
            assertThat(c).as("committed position of %s", md.partition()).isNotNull();
            if (md.offset() >= c.offset()) {
                assertThat(c.metadata()).as("commit metadata of %s, above which answered job %s sits", md.partition(), id)
                        .isNotEmpty();
            }
        });
        System.out.printf("SIGTERM test: supervisor exited 0 %d ms after SIGTERM with %d of %d jobs answered and committed%n",
                tookMs, answered.size(), jobs.size());

        // The rest, by a fresh fleet in the same group: every job ends with exactly one result.
        TestFleet rest = TestFleet.start(dir, topics, TestFleet.Spec.of(1, 2), SupervisorListener.NONE);
        try (rest; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            Map<String, ReceivedResult> all = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(2), r -> { });
            assertThat(all).as(rest::logTail).hasSize(jobs.size());
            assertThat(rest.stop()).isTrue();
        }
        Map<String, List<ReceivedResult>> results = FleetJobs.allResults(topics);
        assertThat(results).hasSize(jobs.size());
        assertThat(FleetJobs.duplicates(results)).isEmpty();
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("supervisor.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Issue 19: a SIGTERM while jobs that ignore every abort are running. The drain cannot finish;
     * each worker commits what finished (the jobs behind a hung one on its partition included, in
     * the commit's metadata), leaves the running jobs for redelivery and exits within the grace.
     * A fresh fleet then answers the rest, re-running no more jobs than were in flight.
     *
     * <p>Regression test of a race (issue 19): it once re-ran 5 jobs the first fleet had answered
     * (h-08, h-19, h-22, h-36, h-37) against 3 in flight. A worker JVM committed only at the end of
     * its drain; when its sibling left the group first, that commit met the rebalance the leave
     * began and gave up at the deadline, so everything it answered during the drain was re-run.
     * The drain now commits as answers land.
     */
    @Test
    void stop_jobsThatNeverFinish_exitsCleanlyWithinTheGraceAndReRunsOnlyWhatWasInFlight() throws Exception {
        Topics topics = SharedKafka.freshTopics("stopload", 4);
        List<Path> images = SampleImages.generate(dir.resolve("in"), 2, 0.01, 0.02, 23);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            String source = i == 6 || i == 13 ? "test://hang" + images.get(0) : "test://slow" + images.get(i % 2) + "?ms=50";
            jobs.add(FleetJobs.thumbnail(String.format("h-%02d", i), source, dir.resolve("out")));
        }
        Duration drain = Duration.ofSeconds(8);
        TestFleet fleet = TestFleet.start(dir.resolve("first"), topics, TestFleet.Spec.of(2, 2)
                .withEnv(Map.of("IMAGEFLEET_DRAIN_TIMEOUT", drain.toSeconds() + "s")), SupervisorListener.NONE);
        int inFlight;
        long tookMs;
        boolean clean;
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            FleetJobs.publish(topics, jobs);
            Set<String> seen = new HashSet<>();
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                reader.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.result().jobId()));
                return seen.size() >= jobs.size() - 8;
            });
            inFlight = fleet.supervisor.slots().stream().mapToInt(s -> s.inFlight()).sum();
            long start = System.nanoTime();
            clean = fleet.stop();
            tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        assertThat(clean).as(fleet::logTail).isTrue();
        assertThat(tookMs).as("stopped within the drain timeout and the close, well inside the grace")
                .isLessThan(drain.plusSeconds(8).toMillis());
        int before = FleetJobs.allResults(topics).size();

        TestFleet rest = TestFleet.start(dir.resolve("rest"), topics, TestFleet.Spec.of(1, 2)
                .withEnv(Map.of("IMAGEFLEET_JOB_TIMEOUT", "2s", "IMAGEFLEET_JOB_STUCK_AFTER", "1s")), SupervisorListener.NONE);
        try (rest; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            Map<String, ReceivedResult> all = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(2), r -> { });
            assertThat(all).as(rest::logTail).hasSize(jobs.size());
        }
        Map<String, List<ReceivedResult>> results = FleetJobs.allResults(topics);
        Map<String, Integer> duplicates = FleetJobs.duplicates(results);
        System.out.printf("stop under load: exited cleanly %d ms after the stop with %d jobs in flight and %d answered; "
                + "%d answered twice: %s%n", tookMs, inFlight, before, duplicates.size(), duplicates.keySet());
        assertThat(results).hasSize(jobs.size());
        assertThat(duplicates.size()).as("no more re-runs than jobs in flight at the stop").isLessThanOrEqualTo(inFlight);
    }
}
