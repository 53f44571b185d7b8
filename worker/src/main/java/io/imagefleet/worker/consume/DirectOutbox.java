package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * At-least-once delivery: each answer is sent as soon as it is ready, with an idempotent
 * {@code acks=all} producer, and counts once Kafka has acknowledged all its records; offsets are
 * then committed on the consumer. A worker that dies between the two answers those records
 * again. Records are handed to the producer on a sender thread of the outbox's own, so that a
 * send that blocks (metadata for a topic, a full buffer, up to {@code max.block.ms}) never holds
 * the poll thread; one thread keeps the units in the order they were sent. Used from the poll
 * thread; reports come on the sender's or the producer's thread.
 */
final class DirectOutbox implements Outbox {
    private static final Logger log = LoggerFactory.getLogger(DirectOutbox.class);

    private final Producer<byte[], byte[]> producer;
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    /** The sender thread, or null to send on the calling thread (tests with a mock producer). */
    private final ExecutorService sender;

    DirectOutbox(Producer<byte[], byte[]> producer, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
                 ExecutorService sender) {
        this.producer = producer;
        this.consumer = consumer;
        this.sender = sender;
    }

    @Override
    public void send(Outgoing unit, Consumer<Event.Sent> sent) {
        AtomicInteger left = new AtomicInteger(unit.records().size());
        Map<ProducerRecord<byte[], byte[]>, Exception> failed = new ConcurrentHashMap<>();
        Runnable sending = () -> {
            for (ProducerRecord<byte[], byte[]> r : unit.records()) {
                try {
                    producer.send(r, (md, ex) -> heard(unit, r, ex, left, failed, sent));
                } catch (RuntimeException ex) {
                    heard(unit, r, ex, left, failed, sent);
                }
            }
        };
        if (sender == null) {
            sending.run();
            return;
        }
        try {
            sender.execute(sending);
        } catch (RejectedExecutionException ex) {
            unit.records().forEach(r -> heard(unit, r, ex, left, failed, sent));
        }
    }

    private static void heard(Outgoing unit, ProducerRecord<byte[], byte[]> r, Exception ex, AtomicInteger left,
                              Map<ProducerRecord<byte[], byte[]>, Exception> failed, Consumer<Event.Sent> sent) {
        if (ex != null) {
            log.warn("sending to {} failed for {}@{}: {}", r.topic(), unit.tp(), unit.offset(), ex.toString());
            failed.put(r, ex);
        }
        if (left.decrementAndGet() == 0) {
            sent.accept(new Event.Sent(unit, failed));
        }
    }

    @Override
    public void commit(Map<TopicPartition, OffsetAndMetadata> positions) {
        consumer.commitSync(positions);
    }

    @Override
    public void commitSoon(Map<TopicPartition, OffsetAndMetadata> positions,
                           Consumer<Map<TopicPartition, OffsetAndMetadata>> onCommitted) {
        consumer.commitAsync(positions, (done, ex) -> {
            if (ex == null) {
                onCommitted.accept(done);
            } else {
                log.warn("commit of {} failed (tried again at the next commit): {}", done, ex.toString());
            }
        });
    }

    @Override
    public void close(Duration timeout) {
        if (sender != null) {
            sender.shutdown();
            try {
                if (!sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("the sender thread was still sending after {}; closing the producer under it", timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(timeout);
    }
}
