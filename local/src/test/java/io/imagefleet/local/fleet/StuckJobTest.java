package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.worker.supervise.RecycleRecord;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A job whose thread hangs past the job timeout, ignoring the abort, in a real worker JVM. */
class StuckJobTest {
    @TempDir
    Path dir;

    @Test
    void stuckJob_hangsPastTimeout_answeredTimeoutAndTheWorkerRecycles() throws Exception {
        Topics topics = SharedKafka.freshTopics("stuck", 1);
        List<Path> images = SampleImages.generate(dir.resolve("in"), 2, 0.01, 0.02, 13);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String source = i == 1 ? "test://hang" + images.get(0) : "test://file" + images.get(i % 2);
            jobs.add(FleetJobs.thumbnail("h-" + i, source, dir.resolve("out")));
        }
        TestFleet.Spec spec = TestFleet.Spec.of(1, 2).withEnv(Map.of(
                "IMAGEFLEET_JOB_TIMEOUT", "2s", "IMAGEFLEET_JOB_STUCK_AFTER", "1s"));
        TestFleet fleet = TestFleet.start(dir, topics, spec, SupervisorListener.NONE);
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            long firstPid = fleet.supervisor.slots().get(0).pid();
            FleetJobs.publish(topics, jobs);
            Map<String, ReceivedResult> got = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(2), r -> { });
            assertThat(got).as(fleet::logTail).hasSize(jobs.size());
            // The recycle: another JVM in the slot, holding the partition again.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fleet.assignmentChanges()
                    .size() >= 2 && fleet.supervisor.slots().get(0).pid() != firstPid);
            assertThat(fleet.stop()).isTrue();
        }

        Map<String, List<ReceivedResult>> all = FleetJobs.allResults(topics);
        assertThat(FleetJobs.duplicates(all)).isEmpty();
        assertThat(all.get("h-1")).singleElement().satisfies(r -> {
            assertThat(r.result().error().code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(r.result().error().message()).contains("deadline of 2000 ms").contains("recycles");
        });
        assertThat(all.entrySet()).filteredOn(e -> !e.getKey().equals("h-1"))
                .allSatisfy(e -> assertThat(e.getValue().get(0).result().succeeded()).isTrue()).hasSize(5);
        assertThat(fleet.recycles()).extracting(RecycleRecord::reason).containsExactly("stuck-job");
        assertThat(fleet.crashes()).isEmpty();
    }
}
