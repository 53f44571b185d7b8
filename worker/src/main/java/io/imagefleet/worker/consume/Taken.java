package io.imagefleet.worker.consume;

import io.imagefleet.wire.Job;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A record taken as a job, on its n-th attempt. Its answer is given once, by whoever claims it
 * first (the thread that ran it, or the stuck-job path); a retry waiting for its time can be
 * cancelled when its partition goes. Attempts of one record share both flags. Thread-safe.
 */
final class Taken {
    final ConsumerRecord<byte[], byte[]> record;
    final TopicPartition tp;
    final Job job;
    final int attempt;
    private final AtomicBoolean answered;
    private final AtomicBoolean cancelled;

    Taken(ConsumerRecord<byte[], byte[]> record, TopicPartition tp, Job job) {
        this(record, tp, job, 1, new AtomicBoolean(), new AtomicBoolean());
    }

    private Taken(ConsumerRecord<byte[], byte[]> record, TopicPartition tp, Job job, int attempt, AtomicBoolean answered,
                  AtomicBoolean cancelled) {
        this.record = record;
        this.tp = tp;
        this.job = job;
        this.attempt = attempt;
        this.answered = answered;
        this.cancelled = cancelled;
    }

    /** The same record, one attempt later. */
    Taken next() {
        return new Taken(record, tp, job, attempt + 1, answered, cancelled);
    }

    long offset() {
        return record.offset();
    }

    /** True for the one caller that gets to answer the job. */
    boolean claim() {
        return answered.compareAndSet(false, true);
    }

    /** True for the one caller that cancels a pending retry. */
    boolean cancel() {
        return cancelled.compareAndSet(false, true);
    }

    boolean cancelled() {
        return cancelled.get();
    }

    Outgoing unit(List<ProducerRecord<byte[], byte[]>> records) {
        return new Outgoing(tp, offset(), job.id(), records, 1);
    }

    /** {@code job-id at topic-partition@offset}, for logs. */
    @Override
    public String toString() {
        return job.id() + " at " + tp + "@" + offset();
    }
}
