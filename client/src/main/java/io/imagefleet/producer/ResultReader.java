package io.imagefleet.producer;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.ResultCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Reads results from a results topic without joining a consumer group: it takes every
 * partition and starts at the beginning, the end or a point in time. Only committed results are
 * read ({@code read_committed}), so exactly-once workers' aborted attempts are never seen.
 * Not thread-safe (it owns a Kafka consumer); close it when done.
 */
public final class ResultReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultReader.class);

    /** Where reading starts. */
    public sealed interface Start {
        /** The oldest result the topic keeps. */
        record Beginning() implements Start {
        }

        /** Only results published from now on. */
        record End() implements Start {
        }

        /** Results published at or after a time (epoch milliseconds). */
        record At(long epochMillis) implements Start {
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final ResultCodec codec = new ResultCodec();
    private final Map<TopicPartition, Long> endAtStart;

    public ResultReader(KafkaSettings kafka, String topic, Start start) {
        Properties p = kafka.clientProperties();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "imagefleet-results-" + UUID.randomUUID().toString().substring(0, 8));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(p);
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(tps);
        if (start instanceof Start.At at) {
            Map<TopicPartition, Long> query = new HashMap<>();
            tps.forEach(tp -> query.put(tp, at.epochMillis()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            consumer.seekToEnd(tps);
            found.forEach((tp, ot) -> {
                if (ot != null) {
                    consumer.seek(tp, ot.offset());
                }
            });
        } else if (start instanceof Start.End) {
            consumer.seekToEnd(tps);
        } else {
            consumer.seekToBeginning(tps);
        }
        // Resolve the positions now, so results published after this constructor returns are read.
        tps.forEach(consumer::position);
        endAtStart = consumer.endOffsets(tps);
    }

    /** Whether everything that was on the topic when this reader was made has been read. */
    public boolean caughtUp() {
        return endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** The results that arrive within the timeout (possibly none). Records that are not results are logged and skipped. */
    public List<ReceivedResult> poll(Duration timeout) {
        List<ReceivedResult> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            try {
                Header corr = r.headers().lastHeader(Headers.CORRELATION_ID);
                out.add(new ReceivedResult(codec.decode(r.value()), new String(r.value(), StandardCharsets.UTF_8),
                        corr == null ? null : new String(corr.value(), StandardCharsets.UTF_8),
                        r.timestamp(), r.partition(), r.offset()));
            } catch (UncheckedIOException | NullPointerException e) {
                log.warn("skipping a record at {}-{}@{} that is not a result: {}", r.topic(), r.partition(), r.offset(),
                        e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
