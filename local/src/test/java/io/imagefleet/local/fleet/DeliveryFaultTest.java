package io.imagefleet.local.fleet;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.local.DeadLetters;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.broker.EmbeddedBroker;
import io.imagefleet.local.broker.TopicSetup;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.worker.supervise.AssignmentChange;
import io.imagefleet.worker.supervise.CrashRecord;
import io.imagefleet.worker.supervise.SlotStatus;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery under faults, counting results per job id with a {@code read_committed} reader: real
 * broker, real worker JVMs under a real supervisor. Each test prints its figures (lost,
 * duplicated, time to recover) for docs/delivery.md.
 */
class DeliveryFaultTest {
    @TempDir
    Path dir;

    private List<Job> slowJobs(String prefix, int n, int ms) throws Exception {
        List<Path> images = SampleImages.generate(dir.resolve("in"), 4, 0.01, 0.02, 17);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(FleetJobs.thumbnail(String.format("%s-%03d", prefix, i),
                    "test://slow" + images.get(i % images.size()) + "?ms=" + ms, dir.resolve("out")));
        }
        return jobs;
    }

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void kill9_workerMidRun_noneLostAndDuplicatesBoundedOrInvisible(String delivery) throws Exception {
        Topics topics = SharedKafka.freshTopics("k9-" + delivery.charAt(0), 4);
        List<Job> jobs = slowJobs("k", 80, 200);
        TestFleet fleet = TestFleet.start(dir, topics, TestFleet.Spec.of(2, 2).withEnv(Map.of("IMAGEFLEET_DELIVERY", delivery)),
                SupervisorListener.NONE);
        Instant killedAt;
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            FleetJobs.publish(topics, jobs);
            SlotStatus victim = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fleet.supervisor.slots().get(0), s -> s.inFlight() >= 2 && s.answered() >= 4);
            killedAt = Instant.now();
            ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
            Map<String, ReceivedResult> first = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(3), r -> { });
            assertThat(first).as(fleet::logTail).hasSize(jobs.size());
            assertThat(fleet.stop()).isTrue();
        }

        Map<String, List<ReceivedResult>> all = FleetJobs.allResults(topics);
        Set<String> lost = new HashSet<>(jobs.stream().map(Job::id).toList());
        lost.removeAll(all.keySet());
        Map<String, Integer> duplicates = FleetJobs.duplicates(all);
        CrashRecord crash = fleet.crashes().get(0);
        Set<String> atRisk = new HashSet<>();
        crash.inFlight().forEach(j -> atRisk.add(j.jobId()));
        crash.answered().forEach(j -> atRisk.add(j.jobId()));
        Duration recovered = fleet.assignmentChanges().stream()
                .filter(c -> c.slot() == 0 && c.at().isAfter(killedAt)).map(AssignmentChange::at).findFirst()
                .map(at -> Duration.between(killedAt, at)).orElseThrow();
        System.out.printf("fault kill-9 %s: %d jobs, %d lost, %d answered twice (at risk: %d in flight, %d answered but "
                        + "uncommitted), slot consuming again %d ms after the kill%n", delivery, jobs.size(), lost.size(),
                duplicates.size(), crash.inFlight().size(), crash.answered().size(), recovered.toMillis());

        assertThat(lost).isEmpty();
        assertThat(all.values()).allSatisfy(rs -> assertThat(rs.get(0).result().succeeded()).isTrue());
        if (delivery.equals("exactly-once")) {
            assertThat(duplicates).as("duplicates visible to a read_committed reader").isEmpty();
        } else {
            assertThat(duplicates.keySet()).isSubsetOf(atRisk);
        }
    }

    @Test
    void brokerStopAndRestart_midRun_noneLostAndTheFleetResumesByItself() throws Exception {
        try (EmbeddedBroker broker = new EmbeddedBroker(dir.resolve("broker"), 0, 3).start()) {
            KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
            Topics topics = new Topics("restart.jobs", "restart.results", "restart.dlq");
            TopicSetup.ensure(kafka, topics, 3, (short) 1);
            List<Job> jobs = slowJobs("b", 60, 150);
            TestFleet fleet = TestFleet.start(dir, topics, TestFleet.Spec.of(2, 2), SupervisorListener.NONE,
                    broker.bootstrapServers());
            long down;
            long up;
            Instant firstAfter;
            try (fleet; ResultReader reader = new ResultReader(kafka, topics.results(), new ResultReader.Start.Beginning())) {
                fleet.awaitEverySlotAssigned();
                FleetJobs.publish(kafka, topics, jobs);
                Set<String> seen = new HashSet<>();
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    reader.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.result().jobId()));
                    return seen.size() >= 15;
                });
                long t0 = System.nanoTime();
                broker.stop();
                down = System.nanoTime() - t0;
                broker.start();
                up = System.nanoTime() - t0;
                Instant back = Instant.now();
                List<Instant> after = new ArrayList<>();
                Map<String, ReceivedResult> rest = new ResultAwaiter(reader).await(jobs.stream().map(Job::id)
                        .filter(id -> !seen.contains(id)).toList(), Duration.ofMinutes(3),
                        r -> after.add(Instant.ofEpochMilli(r.timestamp())));
                assertThat(rest.size() + seen.size()).as(fleet::logTail).isEqualTo(jobs.size());
                firstAfter = after.stream().filter(t -> t.isAfter(back)).min(Instant::compareTo).orElse(back);
                System.out.printf("fault broker-restart: broker stopped in %d ms, up again %d ms after the stop; "
                        + "first new result %d ms after it was ready%n", TimeUnit.NANOSECONDS.toMillis(down),
                        TimeUnit.NANOSECONDS.toMillis(up), Duration.between(back, firstAfter).toMillis());
                assertThat(fleet.stop()).isTrue();
            }
            Map<String, List<ReceivedResult>> all = FleetJobs.allResults(kafka, topics);
            Set<String> lost = new HashSet<>(jobs.stream().map(Job::id).toList());
            lost.removeAll(all.keySet());
            System.out.printf("fault broker-restart: %d jobs, %d lost, %d answered twice%n", jobs.size(), lost.size(),
                    FleetJobs.duplicates(all).size());
            assertThat(lost).isEmpty();
            assertThat(all.values()).allSatisfy(rs -> assertThat(rs.get(0).result().succeeded()).isTrue());
        }
    }

    @Test
    void jobTakingTwiceMaxPollInterval_noRebalanceAndNoDuplicate() throws Exception {
        Topics topics = SharedKafka.freshTopics("slowjob", 2);
        List<Job> jobs = new ArrayList<>(slowJobs("q", 4, 50));
        Path image = SampleImages.generate(dir.resolve("in"), 1, 0.01, 0.02, 3).get(0);
        jobs.add(1, FleetJobs.thumbnail("q-slow", "test://slow" + image + "?ms=10000", dir.resolve("out")));
        TestFleet fleet = TestFleet.start(dir, topics, TestFleet.Spec.of(1, 1).withEnv(Map.of(
                "IMAGEFLEET_KAFKA_MAX_POLL_INTERVAL_MS", "5000")), SupervisorListener.NONE);
        int changesBefore;
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            changesBefore = fleet.assignmentChanges().size();
            FleetJobs.publish(topics, jobs);
            Map<String, ReceivedResult> got = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(2), r -> { });
            assertThat(got).as(fleet::logTail).hasSize(jobs.size());
            assertThat(got.get("q-slow").result().timings().totalMs()).isGreaterThanOrEqualTo(10_000);
            assertThat(fleet.stop()).isTrue();
        }
        assertThat(fleet.assignmentChanges()).as("partitions changed while a job ran 2x max.poll.interval.ms")
                .hasSize(changesBefore);
        Map<String, List<ReceivedResult>> all = FleetJobs.allResults(topics);
        assertThat(FleetJobs.duplicates(all)).isEmpty();
        assertThat(all).hasSize(jobs.size());
    }

    @Test
    void malformedInterleavedWithValid_500Each_500DeadLettersAnd500SucceededResults() throws Exception {
        Topics topics = SharedKafka.freshTopics("mixed", 3);
        Path image = SampleImages.generate(dir.resolve("in"), 1, 0.005, 0.01, 23).get(0);
        JobCodec codec = new JobCodec();
        List<String> valid = new ArrayList<>();
        TestFleet fleet = TestFleet.start(dir, topics, TestFleet.Spec.of(2, 2), SupervisorListener.NONE);
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(rawProducer())) {
                List<Future<?>> sends = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    byte[] bad = ("{\"v\":1,\"id\":\"bad-" + i + "\",\"source\":").getBytes(StandardCharsets.UTF_8);
                    sends.add(raw.send(new ProducerRecord<>(topics.jobs(), ("bad-" + i).getBytes(StandardCharsets.UTF_8), bad)));
                    Job job = FleetJobs.thumbnail(String.format("ok-%03d", i), "test://file" + image, dir.resolve("out"));
                    valid.add(job.id());
                    sends.add(raw.send(new ProducerRecord<>(topics.jobs(), job.id().getBytes(StandardCharsets.UTF_8),
                            codec.encode(job))));
                }
                for (Future<?> f : sends) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
            Map<String, ReceivedResult> got = new ResultAwaiter(reader).await(valid, Duration.ofMinutes(4), r -> { });
            assertThat(got).as(fleet::logTail).hasSize(500);
            assertThat(fleet.stop()).isTrue();
        }

        Map<String, List<ReceivedResult>> all = FleetJobs.allResults(topics);
        assertThat(all.keySet()).containsExactlyInAnyOrderElementsOf(valid);
        assertThat(FleetJobs.duplicates(all)).isEmpty();
        assertThat(all.values()).allSatisfy(rs -> assertThat(rs.get(0).result().succeeded()).isTrue());
        List<ConsumerRecord<byte[], byte[]>> dead = DeadLetters.read(topics.dlq(), 500);
        assertThat(dead).hasSize(500).allSatisfy(d ->
                assertThat(DeadLetters.header(d, Headers.ERROR_CODE)).isEqualTo("INVALID_JOB"));
        assertThat(dead).extracting(d -> new String(d.key(), StandardCharsets.UTF_8)).doesNotHaveDuplicates();
        System.out.printf("fault malformed: 1000 records, %d succeeded results, %d dead letters, 0 lost, 0 duplicated%n",
                all.size(), dead.size());
    }

    @Test
    void retries_sourceFailsTwiceThenSucceeds_attempt3_andAlwaysFailing_deadLetteredOnceAfterTheLastAttempt() throws Exception {
        Topics topics = SharedKafka.freshTopics("retry", 1);
        Path image = SampleImages.generate(dir.resolve("in"), 1, 0.01, 0.02, 29).get(0);
        List<Job> jobs = List.of(
                FleetJobs.thumbnail("r-flaky", "test://flaky" + image + "?fail=2", dir.resolve("out")),
                FleetJobs.thumbnail("r-down", "test://down" + image, dir.resolve("out")),
                FleetJobs.thumbnail("r-fine", "test://file" + image, dir.resolve("out")));
        TestFleet fleet = TestFleet.start(dir, topics, TestFleet.Spec.of(1, 2).withEnv(Map.of(
                "IMAGEFLEET_RETRY_ATTEMPTS", "3", "IMAGEFLEET_RETRY_BACKOFF", "200ms", "IMAGEFLEET_RETRY_BACKOFF_MAX", "1s")),
                SupervisorListener.NONE);
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            FleetJobs.publish(topics, jobs);
            assertThat(new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(), Duration.ofMinutes(2), r -> { }))
                    .as(fleet::logTail).hasSize(3);
            assertThat(fleet.stop()).isTrue();
        }

        Map<String, List<ReceivedResult>> all = FleetJobs.allResults(topics);
        assertThat(FleetJobs.duplicates(all)).isEmpty();
        assertThat(all.get("r-flaky").get(0).result()).satisfies(r -> {
            assertThat(r.succeeded()).isTrue();
            assertThat(r.worker().attempt()).isEqualTo(3);
        });
        assertThat(all.get("r-down").get(0).result()).satisfies(r -> {
            assertThat(r.error().code()).isEqualTo(ErrorCode.SOURCE_UNAVAILABLE);
            assertThat(r.error().retryable()).isTrue();
            assertThat(r.worker().attempt()).isEqualTo(3);
        });
        assertThat(all.get("r-fine").get(0).result().worker().attempt()).isEqualTo(1);
        List<ConsumerRecord<byte[], byte[]>> dead = DeadLetters.read(topics.dlq(), 1);
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("r-down");
            assertThat(DeadLetters.header(d, Headers.ERROR_CODE)).isEqualTo("SOURCE_UNAVAILABLE");
            assertThat(DeadLetters.header(d, Headers.ATTEMPTS)).isEqualTo("3");
        });
    }

    private static Properties rawProducer() {
        Properties p = SharedKafka.kafka().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return p;
    }
}
