package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Exactly-once delivery: answers are held until their offsets can be committed, then written in
 * one Kafka transaction together with those offsets ({@code sendOffsetsToTransaction} with the
 * consumer's group metadata, so a member that lost its partitions cannot commit). A downstream
 * consumer reading {@code read_committed} sees each answer once: a worker that dies mid-way
 * leaves an open transaction that its successor's producer (the same {@code transactional.id})
 * aborts, and the records are answered again in a new one. Every finished answer goes out with
 * the commit that records its offset (as the position, or in the commit's metadata above it), so
 * a slow job holds back neither the processing nor the results behind it. After a failed
 * transaction the producer aborts it, or is closed and made anew (a fatal or timed-out one), and
 * everything is committed again at the next turn; records the transaction was refused for good
 * (too large, a topic gone or not authorised) are taken out and reported, so that the next
 * transaction goes without them. Used by the poll thread only ({@link #send} stages the unit).
 */
final class TransactionalOutbox implements Outbox {
    private static final Logger log = LoggerFactory.getLogger(TransactionalOutbox.class);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, NavigableMap<Long, Outgoing>> staged = new HashMap<>();
    private Producer<byte[], byte[]> producer;
    private int renewals;

    /** @param producers makes a producer with this slot's {@code transactional.id} (each call a new one) */
    TransactionalOutbox(Supplier<Producer<byte[], byte[]>> producers,
                        org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
        this.producers = producers;
        this.consumer = consumer;
    }

    @Override
    public void send(Outgoing unit, Consumer<Event.Sent> sent) {
        // Nothing goes out yet: the answer is written with its offset, in the poll thread's transaction.
        staged.computeIfAbsent(unit.tp(), k -> new TreeMap<>()).put(unit.offset(), unit);
        sent.accept(new Event.Sent(unit, Map.of()));
    }

    @Override
    public boolean writesOnSend() {
        return false;
    }

    @Override
    public void commit(Map<TopicPartition, OffsetAndMetadata> positions) {
        List<Outgoing> out = new ArrayList<>();
        positions.keySet().forEach(tp -> {
            NavigableMap<Long, Outgoing> p = staged.get(tp);
            if (p != null) {
                out.addAll(p.values());
            }
        });
        Map<ProducerRecord<byte[], byte[]>, Exception> errors = new ConcurrentHashMap<>();
        Producer<byte[], byte[]> p = producer();
        try {
            p.beginTransaction();
            for (Outgoing unit : out) {
                for (ProducerRecord<byte[], byte[]> r : unit.records()) {
                    p.send(r, (md, ex) -> {
                        if (ex != null) {
                            errors.put(r, ex);
                        }
                    });
                }
            }
            p.sendOffsetsToTransaction(positions, consumer.groupMetadata());
            p.commitTransaction();
        } catch (KafkaException e) {
            recover(e);
            List<Event.Sent> refused = refused(out, errors);
            if (!refused.isEmpty()) {
                throw new Refused("the transaction was refused because of " + refused.size() + " answer(s)", e, refused);
            }
            throw e;
        }
        positions.keySet().forEach(staged::remove);
    }

    /** The units with records refused for good, taken out of the staged answers. */
    private List<Event.Sent> refused(List<Outgoing> out, Map<ProducerRecord<byte[], byte[]>, Exception> errors) {
        List<Event.Sent> refused = new ArrayList<>();
        for (Outgoing unit : out) {
            Map<ProducerRecord<byte[], byte[]>, Exception> bad = new HashMap<>();
            unit.records().forEach(r -> {
                Exception ex = errors.get(r);
                if (ex != null && !AnswerPolicy.curable(ex)) {
                    bad.put(r, ex);
                }
            });
            if (!bad.isEmpty()) {
                NavigableMap<Long, Outgoing> p = staged.get(unit.tp());
                if (p != null) {
                    p.remove(unit.offset());
                }
                refused.add(new Event.Sent(unit, bad));
            }
        }
        return refused;
    }

    @Override
    public void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(staged::remove);
    }

    /** Answers staged and not yet committed, for tests and figures. */
    int staged() {
        return staged.values().stream().mapToInt(Map::size).sum();
    }

    /** How many times the producer was made anew after a failed transaction. */
    int renewals() {
        return renewals;
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null) {
            Producer<byte[], byte[]> p = producers.get();
            try {
                // Aborts whatever a predecessor with this transactional.id left open.
                p.initTransactions();
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
        }
        return producer;
    }

    /**
     * After a failed transaction: abort it when the producer can go on; otherwise (a fatal error,
     * or a timeout, after which the transaction's state is unknown) close the producer and make a
     * new one at the next commit. A fenced producer means another JVM has this slot's id: that
     * is passed on, and the loop stops.
     */
    private void recover(KafkaException e) {
        if (e instanceof ProducerFencedException) {
            log.error("this worker's producer was fenced: another worker has its transactional.id; stopping", e);
            renew();
            return;
        }
        boolean fatal = e instanceof InvalidProducerEpochException || e instanceof OutOfOrderSequenceException
                || e instanceof AuthorizationException || e instanceof UnsupportedVersionException
                || e instanceof TimeoutException;
        if (!fatal) {
            try {
                producer.abortTransaction();
                log.warn("transaction aborted after: {}", e.toString());
                return;
            } catch (KafkaException abortFailed) {
                log.warn("aborting the transaction failed too: {}", abortFailed.toString());
            }
        }
        log.warn("making a new transactional producer after: {}", e.toString());
        renew();
    }

    private void renew() {
        renewals++;
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException closeFailed) {
            log.debug("closing the old producer: {}", closeFailed.toString());
        }
        producer = null;
    }

    @Override
    public void close(Duration timeout) {
        if (producer != null) {
            producer.close(timeout);
        }
    }
}
