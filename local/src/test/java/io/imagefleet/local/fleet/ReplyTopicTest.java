package io.imagefleet.local.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imagefleet.config.Topics;
import io.imagefleet.local.DeadLetters;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs whose result cannot go where they ask (issue 19): a {@code replyTo} Kafka refuses
 * ({@code ..}, an internal topic), a reply topic that does not exist, one the worker may not
 * write, and a record near the broker's size limit, each followed by 20 jobs on the same
 * partition, with 8 jobs for a missing topic at once while the other partitions carry on.
 * Real broker, real worker JVMs, both delivery modes: every job answered once, commits at the
 * end of every partition, and a fresh worker runs nothing again.
 */
class ReplyTopicTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"at-least-once", "exactly-once"})
    void replyTo_refusedMissingDisallowedOrHuge_answeredOnceAndEveryPartitionCommitsToItsEnd(String delivery)
            throws Exception {
        Topics topics = SharedKafka.freshTopics("reply-" + delivery.charAt(0), PARTITIONS);
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        String image = SampleImages.generate(in, 1, 0.01, 0.02, 5).get(0).toUri().toString();
        String missing = "imagefleet.missing-" + UUID.randomUUID().toString().substring(0, 8);

        Map<String, ErrorCode> bad = new LinkedHashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> good = new ArrayList<>();
        int n = 0;
        for (String[] c : new String[][] {{"dotdot", ".."}, {"internal", "__consumer_offsets"}, {"missing", missing},
                {"disallowed", "payments.ledger"}, {"huge", null}}) {
            String id = "bad-" + c[0];
            bad.put(id, c[0].equals("missing") ? ErrorCode.REPLY_FAILED : ErrorCode.INVALID_JOB);
            records.add(new ProducerRecord<>(topics.jobs(), 0, utf8(id), c[1] == null ? huge(id) : job(id, image, out, c[1])));
            for (int i = 0; i < 20; i++) {
                String g = String.format("ok-%03d", n++);
                good.add(g);
                records.add(new ProducerRecord<>(topics.jobs(), 0, utf8(g), job(g, image, out, null)));
            }
        }
        for (int i = 0; i < 8; i++) {
            String id = "bad-burst-" + i;
            bad.put(id, ErrorCode.REPLY_FAILED);
            records.add(new ProducerRecord<>(topics.jobs(), 0, utf8(id), job(id, image, out, missing)));
        }
        for (int i = 0; i < 30; i++) {
            String g = String.format("other-%03d", i);
            good.add(g);
            records.add(new ProducerRecord<>(topics.jobs(), 1 + i % (PARTITIONS - 1), utf8(g), job(g, image, out, null)));
        }
        List<String> all = new ArrayList<>(good);
        all.addAll(bad.keySet());

        TestFleet.Spec spec = TestFleet.Spec.of(2, 1).withEnv(Map.of("IMAGEFLEET_DELIVERY", delivery));
        TestFleet fleet = TestFleet.start(dir, topics, spec, SupervisorListener.NONE);
        long started = System.nanoTime();
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            send(records);
            Map<String, ReceivedResult> got = new ResultAwaiter(reader).await(all, Duration.ofMinutes(3), r -> { });
            assertThat(got).as(fleet::logTail).hasSize(all.size());
            awaitCommittedToTheEnd(topics, fleet.env.get("IMAGEFLEET_GROUP_ID"), fleet);
            assertThat(fleet.stop()).as(fleet::logTail).isTrue();
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        Map<String, List<ReceivedResult>> results = FleetJobs.allResults(topics);
        assertThat(FleetJobs.duplicates(results)).isEmpty();
        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(all);
        bad.forEach((id, code) -> assertThat(results.get(id)).singleElement().satisfies(r -> {
            assertThat(r.result().error().code()).as(id).isEqualTo(code);
            assertThat(r.result().error().retryable()).isFalse();
        }));
        assertThat(results.get("bad-missing").get(0).result().error().message()).contains(missing).contains("does not exist");
        assertThat(results.get("bad-disallowed").get(0).result().error().message()).contains("IMAGEFLEET_REPLY_TOPICS");
        good.forEach(id -> assertThat(results.get(id)).singleElement()
                .satisfies(r -> assertThat(r.result().succeeded()).as(r.json()).isTrue()));
        List<ConsumerRecord<byte[], byte[]>> dead = DeadLetters.read(topics.dlq(), bad.size());
        assertThat(dead).hasSize(bad.size());
        assertThat(dead).filteredOn(d -> new String(d.key(), StandardCharsets.UTF_8).equals("bad-huge")).singleElement()
                .satisfies(d -> assertThat(DeadLetters.header(d, Headers.ORIGINAL_SIZE)).isNotNull());

        try (Admin admin = Admin.create(SharedKafka.kafka().clientProperties())) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("the worker never makes Kafka create a topic a job names, even where auto-creation is on")
                    .doesNotContain(missing, "payments.ledger");
        }

        // A fresh worker in the same group finds nothing to do.
        TestFleet fresh = TestFleet.start(dir.resolve("fresh"), topics, TestFleet.Spec.of(1, 1)
                .withEnv(Map.of("IMAGEFLEET_DELIVERY", delivery)), SupervisorListener.NONE);
        try (fresh) {
            fresh.awaitEverySlotAssigned();
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30))
                    .until(() -> fresh.supervisor.slots().stream().allMatch(s -> s.answered() == 0 && s.inFlight() == 0));
            assertThat(fresh.stop()).isTrue();
        }
        assertThat(FleetJobs.allResults(topics).values().stream().mapToInt(List::size).sum()).isEqualTo(all.size());
        System.out.printf("replyTo test (%s): %d jobs (%d bad) answered once each in %d ms; nothing re-run%n", delivery,
                all.size(), bad.size(), tookMs);
    }

    private static void awaitCommittedToTheEnd(Topics topics, String group, TestFleet fleet) {
        try (Admin admin = Admin.create(SharedKafka.kafka().clientProperties())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topics.jobs(), p), OffsetSpec.latest());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                ends.forEach((tp, end) -> assertThat(committed.get(tp)).as(() -> tp + " committed\n" + fleet.logTail())
                        .isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo(end));
            });
        }
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = SharedKafka.kafka().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private static byte[] job(String id, String source, Path out, String replyTo) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(new JobCodec().encode(FleetJobs.thumbnail(id, source, out)));
        if (replyTo != null) {
            node.put("replyTo", replyTo);
        }
        return JSON.writeValueAsBytes(node);
    }

    /** An invalid job (an unknown field) with an id, whose record is just under what a default producer sends. */
    private static byte[] huge(String id) throws Exception {
        ObjectNode node = JSON.createObjectNode();
        node.put("v", 1);
        node.put("id", id);
        node.put("padding", "x".repeat(1_048_000));
        return JSON.writeValueAsBytes(node);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
