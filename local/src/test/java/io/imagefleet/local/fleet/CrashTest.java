package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.DeadLetters;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Job;
import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.control.JobRef;
import io.imagefleet.worker.supervise.CrashRecord;
import io.imagefleet.worker.supervise.SlotStatus;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Worker JVMs that die: killed with SIGKILL, or taken down by a job again and again. Real broker, real JVMs. */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void sigkill_childWithJobsInFlight_everyJobSucceedsAndDuplicatesAreOnlyWhatItHadNotCommitted() throws Exception {
        Topics topics = SharedKafka.freshTopics("kill", 4);
        List<Path> images = SampleImages.generate(dir.resolve("in"), 4, 0.01, 0.02, 5);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            jobs.add(FleetJobs.thumbnail(String.format("k-%03d", i), "test://slow" + images.get(i % 4) + "?ms=250",
                    dir.resolve("out")));
        }
        TestFleet fleet = TestFleet.start(dir, topics, TestFleet.Spec.of(2, 2), SupervisorListener.NONE);
        Map<String, ReceivedResult> first;
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            FleetJobs.publish(topics, jobs);
            // Kill slot 0 once it has answered some jobs and has two in flight.
            SlotStatus victim = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fleet.supervisor.slots().get(0), s -> s.inFlight() >= 2 && s.answered() >= 4);
            ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
            first = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(), Duration.ofMinutes(3), r -> { });
            assertThat(first).as(fleet::logTail).hasSize(jobs.size());
            assertThat(fleet.stop()).isTrue();
        }

        CrashRecord crash = fleet.crashes().stream().filter(c -> c.slot() == 0).findFirst().orElseThrow();
        assertThat(crash.exitCode()).isEqualTo(137);
        assertThat(crash.inFlight()).hasSizeGreaterThanOrEqualTo(2);
        Set<String> atRisk = new HashSet<>();
        crash.inFlight().forEach(j -> atRisk.add(j.jobId()));
        crash.answered().forEach(j -> atRisk.add(j.jobId()));
        Map<String, List<ReceivedResult>> all = FleetJobs.allResults(topics);
        Map<String, Integer> duplicates = FleetJobs.duplicates(all);
        System.out.printf("kill -9 test: %d in flight and %d answered-uncommitted at the kill; %d jobs answered twice: %s%n",
                crash.inFlight().size(), crash.answered().size(), duplicates.size(), duplicates.keySet());
        assertThat(all).hasSize(jobs.size());
        assertThat(all.values()).allSatisfy(rs -> assertThat(rs).allSatisfy(r ->
                assertThat(r.result().succeeded()).as(r.json()).isTrue()));
        assertThat(duplicates.keySet()).as("only jobs the dead JVM had not committed are answered twice")
                .isSubsetOf(atRisk);
        assertThat(duplicates.values()).allSatisfy(n -> assertThat(n).isEqualTo(2));
    }

    @Test
    void poisonJob_killsItsJvmEveryTime_answeredWorkerCrashedAfterTwoCrashesAndJobsBehindItSucceed() throws Exception {
        Topics topics = SharedKafka.freshTopics("poison", 1);
        List<Path> images = SampleImages.generate(dir.resolve("in"), 2, 0.01, 0.02, 9);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String source = switch (i) {
                case 4 -> "test://oom" + images.get(0);
                case 9 -> "test://error" + images.get(0);
                default -> "test://slow" + images.get(i % 2) + "?ms=100";
            };
            jobs.add(FleetJobs.thumbnail(String.format("p-%02d", i), source, dir.resolve("out")));
        }
        TestFleet fleet = TestFleet.start(dir, topics, TestFleet.Spec.of(1, 2), SupervisorListener.NONE);
        Map<String, RecordMetadata> where;
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            where = FleetJobs.publish(topics, jobs);
            Map<String, ReceivedResult> got = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(3), r -> { });
            assertThat(got).as(fleet::logTail).hasSize(jobs.size());
            assertThat(fleet.stop()).isTrue();
        }

        Map<String, List<ReceivedResult>> all = FleetJobs.allResults(topics);
        for (String poison : List.of("p-04", "p-09")) {
            assertThat(all.get(poison)).singleElement().satisfies(r -> {
                assertThat(r.result().error().code()).isEqualTo(ErrorCode.WORKER_CRASHED);
                assertThat(r.result().error().message()).contains("in flight in 2 worker JVMs that died");
            });
        }
        assertThat(all.entrySet()).filteredOn(e -> !e.getKey().equals("p-04") && !e.getKey().equals("p-09"))
                .allSatisfy(e -> assertThat(e.getValue()).allSatisfy(r -> assertThat(r.result().succeeded()).isTrue()))
                .hasSize(14);
        List<CrashRecord> crashes = fleet.crashes();
        // Sources are fetched ahead, several at once, so the first crash may have both poison jobs in
        // flight (3 crashes) or only the first (4), whichever fetch kills the JVM first.
        assertThat(crashes).extracting(CrashRecord::exitCode).hasSizeBetween(3, 4)
                .allMatch(code -> code == ExitCodes.OUT_OF_MEMORY || code == ExitCodes.HALTED_ON_ERROR);
        for (String poison : List.of("p-04", "p-09")) {
            assertThat(crashes).as("crashes with %s in flight", poison)
                    .filteredOn(c -> c.inFlight().stream().anyMatch(j -> j.jobId().equals(poison))).hasSize(2);
        }
        // Suspects run alone: every crash after the first took nothing else down with it.
        assertThat(crashes.subList(1, crashes.size())).allSatisfy(c -> assertThat(c.inFlight()).extracting(JobRef::jobId)
                .singleElement().isIn("p-04", "p-09"));

        List<ConsumerRecord<byte[], byte[]>> dead = DeadLetters.read(topics.dlq(), 2);
        assertThat(dead).extracting(d -> new String(d.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("p-04", "p-09");
        assertThat(dead).allSatisfy(d -> {
            assertThat(DeadLetters.header(d, Headers.ERROR_CODE)).isEqualTo("WORKER_CRASHED");
            assertThat(DeadLetters.header(d, Headers.ATTEMPTS)).isEqualTo("2");
            String id = new String(d.key(), StandardCharsets.UTF_8);
            assertThat(DeadLetters.header(d, Headers.ORIGINAL_OFFSET)).isEqualTo(Long.toString(where.get(id).offset()));
        });
    }
}
