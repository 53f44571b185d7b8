package io.imagefleet.producer;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.wire.Headers;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reads a dead-letter topic as it is now (every partition, from the beginning to the end
 * offsets seen at the start), without joining a consumer group, and keeps the records a filter
 * accepts. Reads only committed records. Not thread-safe; one read per instance.
 */
public final class DeadLetterReader {
    /** The headers the worker adds to a dead letter; the others are the job's own. */
    public static final Set<String> WORKER_HEADERS = Set.of(Headers.ERROR_CODE, Headers.ERROR_MESSAGE,
            Headers.ORIGINAL_TOPIC, Headers.ORIGINAL_PARTITION, Headers.ORIGINAL_OFFSET, Headers.ATTEMPTS,
            Headers.FAILED_AT, Headers.ORIGINAL_SIZE, Headers.ORIGINAL_SHA256);

    private final KafkaSettings kafka;
    private final String topic;

    public DeadLetterReader(KafkaSettings kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
    }

    /** A filter by error code (any of, or all when empty) and by failure time (inclusive from, exclusive until; null for open). */
    public static Predicate<DeadLetter> filter(Collection<String> codes, Instant since, Instant until) {
        Set<String> wanted = Set.copyOf(codes);
        return d -> (wanted.isEmpty() || wanted.contains(d.errorCode()))
                && (since == null || !d.failedAt().isBefore(since))
                && (until == null || d.failedAt().isBefore(until));
    }

    /** Every dead letter on the topic now that the filter accepts, in partition then offset order. */
    public List<DeadLetter> read(Predicate<DeadLetter> filter, Duration timeout) {
        Properties p = kafka.clientProperties();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "imagefleet-dlq-" + UUID.randomUUID().toString().substring(0, 8));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<DeadLetter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " took longer than " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        DeadLetter d = of(r);
                        if (filter.test(d)) {
                            out.add(d);
                        }
                    }
                }
            }
        }
        out.sort((a, b) -> a.dlqPartition() != b.dlqPartition() ? Integer.compare(a.dlqPartition(), b.dlqPartition())
                : Long.compare(a.dlqOffset(), b.dlqOffset()));
        return out;
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    static DeadLetter of(ConsumerRecord<byte[], byte[]> r) {
        List<Header> own = new ArrayList<>();
        for (Header h : r.headers()) {
            if (!WORKER_HEADERS.contains(h.key())) {
                own.add(h);
            }
        }
        Instant failedAt;
        try {
            String at = header(r, Headers.FAILED_AT);
            failedAt = at == null ? Instant.ofEpochMilli(r.timestamp()) : Instant.parse(at);
        } catch (DateTimeParseException e) {
            failedAt = Instant.ofEpochMilli(r.timestamp());
        }
        return new DeadLetter(r.partition(), r.offset(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(), own,
                header(r, Headers.ERROR_CODE), header(r, Headers.ERROR_MESSAGE), header(r, Headers.ORIGINAL_TOPIC),
                (int) number(header(r, Headers.ORIGINAL_PARTITION)), number(header(r, Headers.ORIGINAL_OFFSET)),
                (int) Math.max(0, number(header(r, Headers.ATTEMPTS))), failedAt);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long number(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
