package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.DeadLetters;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.producer.cli.DlqCommand;
import io.imagefleet.wire.Headers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code imagefleet dlq} and {@code dlq replay} against the real broker. */
class DlqReplayTest {
    @Test
    void replay_byCode_republishesOriginalKeyValueAndHeadersAndDryRunPublishesNothing() throws Exception {
        Topics topics = SharedKafka.freshTopics("dlqcli", 1);
        Properties p = SharedKafka.kafka().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(deadLetter(topics, "a", "SOURCE_UNAVAILABLE", Instant.now().minusSeconds(60))).get();
            producer.send(deadLetter(topics, "b", "INVALID_JOB", Instant.now().minusSeconds(30))).get();
            producer.send(deadLetter(topics, "c", "SOURCE_UNAVAILABLE", Instant.parse("2020-01-01T00:00:00Z"))).get();
        }
        String[] common = {"--bootstrap-servers", SharedKafka.bootstrapServers(), "--dlq-topic", topics.dlq(),
                "--jobs-topic", topics.jobs()};

        String listed = run(concat(common, "--code", "source_unavailable"), "");
        assertThat(listed.lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("SOURCE_UNAVAILABLE"));

        String dry = run(concat(common, "--code", "SOURCE_UNAVAILABLE", "--since", "1h", "--dry-run"), "replay");
        assertThat(dry.lines()).singleElement().satisfies(l -> assertThat(l).startsWith("would replay").contains("key=a"));

        run(concat(common, "--code", "SOURCE_UNAVAILABLE", "--since", "1h"), "replay");
        List<ConsumerRecord<byte[], byte[]>> replayed = DeadLetters.read(topics.jobs(), 1);
        assertThat(replayed).singleElement().satisfies(r -> {
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("a");
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"job\":\"a\"}");
            assertThat(DeadLetters.header(r, "origin")).isEqualTo("test-a");
            assertThat(DeadLetters.header(r, Headers.ERROR_CODE)).isNull();
            assertThat(DeadLetters.header(r, DlqCommand.REPLAYED_FROM)).isEqualTo(topics.dlq() + "-0@0");
        });
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(Topics topics, String key, String code, Instant at) {
        RecordHeaders h = new RecordHeaders();
        h.add("origin", ("test-" + key).getBytes(StandardCharsets.UTF_8));
        h.add(Headers.ERROR_CODE, code.getBytes(StandardCharsets.UTF_8));
        h.add(Headers.ERROR_MESSAGE, "it failed".getBytes(StandardCharsets.UTF_8));
        h.add(Headers.ORIGINAL_TOPIC, topics.jobs().getBytes(StandardCharsets.UTF_8));
        h.add(Headers.ORIGINAL_PARTITION, "0".getBytes(StandardCharsets.UTF_8));
        h.add(Headers.ORIGINAL_OFFSET, "7".getBytes(StandardCharsets.UTF_8));
        h.add(Headers.ATTEMPTS, "3".getBytes(StandardCharsets.UTF_8));
        h.add(Headers.FAILED_AT, at.toString().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topics.dlq(), 0, key.getBytes(StandardCharsets.UTF_8),
                ("{\"job\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8), h);
    }

    /** Runs {@code dlq [sub] args} and returns what it printed on stdout. */
    private static String run(String[] args, String sub) {
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String[] all = sub.isEmpty() ? args : concat(new String[] {sub}, args);
            assertThat(new CommandLine(new DlqCommand()).execute(all)).isZero();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
