package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How answers and consumed offsets reach Kafka: the delivery guarantee of a consumer loop.
 * {@link DirectOutbox} (at least once) sends each answer at once and commits offsets on the
 * consumer afterwards; {@link TransactionalOutbox} (exactly once) holds the answers and writes
 * them in one transaction with the offsets they answer. {@link #send} may be called from any
 * thread; everything else only from the poll thread.
 */
public interface Outbox {
    /** At least once: answers sent at once, offsets committed on the consumer once they are acknowledged. */
    static Outbox atLeastOnce(org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer,
                              org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
        return new DirectOutbox(producer, consumer);
    }

    /**
     * Exactly once: answers and offsets in one transaction; {@code producers} makes a producer
     * with this worker's stable {@code transactional.id}, anew after a fatal or timed-out transaction.
     */
    static Outbox exactlyOnce(java.util.function.Supplier<org.apache.kafka.clients.producer.Producer<byte[], byte[]>> producers,
                              org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
        return new TransactionalOutbox(producers, consumer);
    }

    /** Sends (or stages) a unit's records; {@code done} hears, on any thread, when the unit may count as answered. */
    void send(Outgoing unit, Consumer<Completion> done);

    /** The unit counts as answered now (its offset is finished). */
    default void answered(Outgoing unit) {
    }

    /**
     * Commits these positions, and (with transactions) the answers below them, waiting for the
     * outcome; throws when the commit failed, leaving everything to be committed again.
     */
    void commit(Map<TopicPartition, OffsetAndMetadata> positions);

    /** Commits these positions without waiting where that is possible; {@code onCommitted} runs on the poll thread. */
    void commitSoon(Map<TopicPartition, OffsetAndMetadata> positions,
                    Consumer<Map<TopicPartition, OffsetAndMetadata>> onCommitted);

    /** Drops staged answers of partitions that are no longer this loop's: their next owner answers them. */
    default void forget(Collection<TopicPartition> partitions) {
    }

    void close(Duration timeout);
}
