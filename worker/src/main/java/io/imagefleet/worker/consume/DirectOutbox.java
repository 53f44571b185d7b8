package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * At-least-once delivery: each answer is sent as soon as it is ready, with an idempotent
 * {@code acks=all} producer, and counts once Kafka has acknowledged all its records; offsets are
 * then committed on the consumer. A worker that dies between the two answers those records
 * again. {@link #send} is thread-safe (the producer is); the rest is for the poll thread.
 */
final class DirectOutbox implements Outbox {
    private static final Logger log = LoggerFactory.getLogger(DirectOutbox.class);

    private final Producer<byte[], byte[]> producer;
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;

    DirectOutbox(Producer<byte[], byte[]> producer, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
        this.producer = producer;
        this.consumer = consumer;
    }

    @Override
    public void send(Outgoing unit, Consumer<Completion> done) {
        AtomicInteger left = new AtomicInteger(unit.records().size());
        List<ProducerRecord<byte[], byte[]>> failed = Collections.synchronizedList(new ArrayList<>());
        for (ProducerRecord<byte[], byte[]> r : unit.records()) {
            try {
                producer.send(r, (md, ex) -> {
                    if (ex != null) {
                        log.warn("sending to {} failed for {}@{}: {}", r.topic(), unit.tp(), unit.offset(), ex.toString());
                        failed.add(r);
                    }
                    if (left.decrementAndGet() == 0) {
                        done.accept(new Completion(unit, List.copyOf(failed)));
                    }
                });
            } catch (RuntimeException ex) {
                log.warn("sending to {} failed for {}@{}: {}", r.topic(), unit.tp(), unit.offset(), ex.toString());
                failed.add(r);
                if (left.decrementAndGet() == 0) {
                    done.accept(new Completion(unit, List.copyOf(failed)));
                }
            }
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
        producer.close(timeout);
    }
}
