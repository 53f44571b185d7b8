package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.DeadLetters;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.local.storage.EmbeddedStorage;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The object store goes away for everyone in the middle of a run: the embedded S3 server stops
 * for 10 s while 200 s3:// jobs are under way. The store's circuit breaker opens in each worker
 * JVM, jobs wait for it instead of spending their retries, and once the server is back every job
 * is answered succeeded: none lost, none dead-lettered, none failed.
 */
class StorageOutageTest {
    private static final int JOBS = 200;
    private static final String BUCKET = "outage";

    @TempDir
    Path dir;

    private static String logsOf(Path dir) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path f : files.toList()) {
                sb.append(java.nio.file.Files.readString(f));
            }
        }
        return sb.toString();
    }

    @Test
    void storeDownTenSecondsDuring200Jobs_everyJobSucceededOnceItIsBack() throws Exception {
        try (EmbeddedStorage storage = EmbeddedStorage.onFreePort(dir.resolve("s3"), List.of(BUCKET)).start()) {
            List<Path> images = SampleImages.generate(dir.resolve("images"), 4, 0.05, 0.1, 11);
            try (S3Client s3 = storage.client()) {
                for (int i = 0; i < images.size(); i++) {
                    int n = i;
                    s3.putObject(r -> r.bucket(BUCKET).key("in/" + n + ".jpg"), RequestBody.fromFile(images.get(n)));
                }
            }
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(Job.of("o-" + i, "s3://" + BUCKET + "/in/" + (i % images.size()) + ".jpg", List.of(OutputSpec.of(
                        "thumb", List.of(Op.Resize.inside(48, 48)), Format.JPEG, 80, "s3://" + BUCKET + "/out/"))));
            }
            Topics topics = SharedKafka.freshTopics("s3outage", 4);
            TestFleet fleet = TestFleet.start(dir, topics, TestFleet.Spec.of(2, 2).withEnv(storage.clientEnv()),
                    SupervisorListener.NONE);
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(),
                    new ResultReader.Start.Beginning())) {
                fleet.awaitEverySlotAssigned();
                FleetJobs.publish(topics, jobs);
                CompletableFuture<Map<String, ReceivedResult>> all = CompletableFuture.supplyAsync(() ->
                        new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(), Duration.ofMinutes(5), r -> {
                            answered.incrementAndGet();
                            if (!r.result().succeeded()) {
                                failed.incrementAndGet();
                            }
                        }));
                await().atMost(Duration.ofMinutes(3)).until(() -> answered.get() >= 20);

                storage.stop();
                int beforeOutage = answered.get();
                // Down for 10 s: whatever is answered meanwhile (jobs that had stored already), nothing fails.
                await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(12)).until(() -> failed.get() == 0);
                int duringOutage = answered.get() - beforeOutage;
                storage.start();

                Map<String, ReceivedResult> got = all.get();
                long retried = got.values().stream().filter(r -> r.result().worker() != null
                        && r.result().worker().attempt() > 1).count();
                System.out.printf("s3 outage: %d jobs, %d answered before the outage, %d during it, %d after; %d failed; "
                        + "%d answered on a later attempt%n", JOBS, beforeOutage, duringOutage,
                        JOBS - beforeOutage - duringOutage, failed.get(), retried);
                assertThat(got).as(fleet::logTail).hasSize(JOBS);
                assertThat(got.values()).allSatisfy(r -> assertThat(r.result().succeeded())
                        .as("%s: %s", r.result().jobId(), r.result().error()).isTrue());
                assertThat(beforeOutage + duringOutage).as("jobs were still waiting when the store came back").isLessThan(JOBS);
                assertThat(fleet.stop()).isTrue();
                // The worker JVMs waited on the store's breaker rather than on their own retries.
                String logs = logsOf(fleet.logs);
                assertThat(logs).contains("jobs wait for it").contains("is back after");
            }
            Map<String, List<ReceivedResult>> results = FleetJobs.allResults(topics);
            assertThat(results).hasSize(JOBS);
            assertThat(results.values()).allSatisfy(rs -> assertThat(rs).allSatisfy(r ->
                    assertThat(r.result().succeeded()).isTrue()));
            assertThat(DeadLetters.read(topics.dlq(), 0)).as("dead letters").isEmpty();
            try (S3Client s3 = storage.client()) {
                Set<String> keys = new HashSet<>();
                s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix("out/")).contents().forEach(o -> keys.add(o.key()));
                assertThat(keys).hasSize(JOBS).contains("out/o-0-thumb.jpg", "out/o-199-thumb.jpg");
            }
        }
    }
}
