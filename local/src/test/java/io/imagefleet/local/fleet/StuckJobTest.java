package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
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

    /**
     * A source that never returns, ignoring interrupts and its deadline, hangs a fetch: a network
     * step on a virtual thread, which holds no CPU thread. It is answered TIMEOUT, the jobs behind it
     * succeed, and the JVM goes on serving without a recycle (the stuck-thread recycle is for a CPU
     * thread that cannot be got back, a native hang, as every CPU step checks its deadline: see
     * RecyclerTest and ConsumerLoopFaultTest for that path).
     */
    @Test
    void stuckFetch_hangsPastTimeout_answeredTimeoutAndTheWorkerServesOnWithoutRecycling() throws Exception {
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
        long firstPid;
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            firstPid = fleet.supervisor.slots().get(0).pid();
            FleetJobs.publish(topics, jobs);
            Map<String, ReceivedResult> got = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(2), r -> { });
            assertThat(got).as(fleet::logTail).hasSize(jobs.size());
            // h-1 is answered when its fetch is reported stuck (deadline 2 s + 1 s); a job after that, same JVM.
            List<Job> more = List.of(FleetJobs.thumbnail("h-after", "test://file" + images.get(1), dir.resolve("out")));
            FleetJobs.publish(topics, more);
            assertThat(new ResultAwaiter(reader).await(List.of("h-after"), Duration.ofMinutes(1), r -> { }))
                    .as(fleet::logTail).hasSize(1);
            assertThat(fleet.supervisor.slots().get(0).pid()).as("the same JVM serves on").isEqualTo(firstPid);
            assertThat(fleet.stop()).isTrue();
        }

        Map<String, List<ReceivedResult>> all = FleetJobs.allResults(topics);
        assertThat(FleetJobs.duplicates(all)).isEmpty();
        assertThat(all.get("h-1")).singleElement().satisfies(r -> {
            assertThat(r.result().error().code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(r.result().error().message()).contains("2000 ms");
        });
        assertThat(all.entrySet()).filteredOn(e -> !e.getKey().equals("h-1"))
                .allSatisfy(e -> assertThat(e.getValue().get(0).result().succeeded()).isTrue()).hasSize(6);
        assertThat(fleet.recycles()).as("no recycle for a stuck network step").isEmpty();
        assertThat(fleet.crashes()).isEmpty();
    }
}
