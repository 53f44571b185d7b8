package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How answers and consumed offsets reach Kafka: the delivery guarantee of a consumer loop.
 * {@link DirectOutbox} (at least once) sends each answer at once and commits offsets on the
 * consumer afterwards; {@link TransactionalOutbox} (exactly once) holds the answers and writes
 * them in one transaction with the offsets they answer. {@link #send} hands its report to the
 * given callback on any thread; everything is called from the poll thread only.
 */
public interface Outbox {
    /**
     * At least once: answers sent at once, offsets committed on the consumer once they are
     * acknowledged; records handed to the producer on the calling thread.
     */
    static Outbox atLeastOnce(org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer,
                              org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
        return new DirectOutbox(producer, consumer, null);
    }

    /** The same, records handed to the producer on {@code sender} (one thread), which the outbox shuts down on close. */
    static Outbox atLeastOnce(org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer,
                              org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
                              java.util.concurrent.ExecutorService sender) {
        return new DirectOutbox(producer, consumer, sender);
    }

    /**
     * Exactly once: answers and offsets in one transaction; {@code producers} makes a producer
     * with this worker's stable {@code transactional.id}, anew after a fatal or timed-out transaction.
     */
    static Outbox exactlyOnce(java.util.function.Supplier<org.apache.kafka.clients.producer.Producer<byte[], byte[]>> producers,
                              org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
        return new TransactionalOutbox(producers, consumer);
    }

    /**
     * Sends (or stages) a unit's records; {@code sent} hears, on any thread, when Kafka has taken
     * them all or refused some. Never blocks on an unknown topic: reply topics are checked before.
     */
    void send(Outgoing unit, Consumer<Event.Sent> sent);

    /** Whether {@link #send} writes at once (true), or only the commit of the unit's offset writes it. */
    default boolean writesOnSend() {
        return true;
    }

    /**
     * Commits these positions, and (with transactions) the answers staged in their partitions,
     * waiting for the outcome; throws when the commit failed, leaving everything to be committed
     * again ({@link Refused} when records in it were refused for good: those units are unstaged).
     */
    void commit(Map<TopicPartition, OffsetAndMetadata> positions);

    /**
     * Commits these positions without waiting where that is possible; {@code onCommitted} runs on
     * the poll thread. By default it commits and waits, as a transaction must.
     */
    default void commitSoon(Map<TopicPartition, OffsetAndMetadata> positions,
                            Consumer<Map<TopicPartition, OffsetAndMetadata>> onCommitted) {
        commit(positions);
        onCommitted.accept(positions);
    }

    /** Drops staged answers of partitions that are no longer this loop's: their next owner answers them. */
    default void forget(Collection<TopicPartition> partitions) {
    }

    void close(Duration timeout);

    /** A transaction refused because of some of its records, which retrying will not cure. */
    final class Refused extends KafkaException {
        private final transient List<Event.Sent> refused;

        Refused(String message, KafkaException cause, List<Event.Sent> refused) {
            super(message, cause);
            this.refused = List.copyOf(refused);
        }

        /** The units whose records were refused, each with its offending records. */
        List<Event.Sent> refused() {
            return refused;
        }
    }
}
