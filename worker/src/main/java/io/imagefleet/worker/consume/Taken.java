package io.imagefleet.worker.consume;

import io.imagefleet.wire.Job;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of a record taken as a job, with the topic its result goes to. Each attempt is its
 * own object, so a fact about an earlier attempt is told apart from one about the current.
 * Immutable apart from the flag that reports a stuck thread once; thread-safe.
 */
final class Taken {
    final ConsumerRecord<byte[], byte[]> record;
    final TopicPartition tp;
    final Job job;
    final String replyTopic;
    final int attempt;
    private final AtomicBoolean reportedStuck = new AtomicBoolean();

    Taken(ConsumerRecord<byte[], byte[]> record, TopicPartition tp, Job job, String replyTopic, int attempt) {
        this.record = record;
        this.tp = tp;
        this.job = job;
        this.replyTopic = replyTopic;
        this.attempt = attempt;
    }

    /** The same record, one attempt later. */
    Taken next() {
        return new Taken(record, tp, job, replyTopic, attempt + 1);
    }

    long offset() {
        return record.offset();
    }

    /** True the first time only: a stuck thread is reported once. */
    boolean reportStuck() {
        return reportedStuck.compareAndSet(false, true);
    }

    /** {@code job-id at topic-partition@offset}, for logs. */
    @Override
    public String toString() {
        return job.id() + " at " + tp + "@" + offset();
    }
}
