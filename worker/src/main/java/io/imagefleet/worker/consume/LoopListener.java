package io.imagefleet.worker.consume;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hears what a {@link ConsumerLoop} does with records: which are in flight, and how the
 * partitions change. Partitions are told as {@link PartitionRef}s, so a listener needs no Kafka
 * class. Called on the poll thread; implementations must be quick and must not throw.
 */
public interface LoopListener {
    /** Hears nothing. */
    LoopListener NONE = new LoopListener() { };

    /** How a record left the loop. */
    enum Outcome {
        /** Its result (or dead letter) was acknowledged; its offset may be committed. */
        ANSWERED,
        /** It was left uncommitted (the loop stopped or lost the partition); it will be delivered again. */
        ABANDONED
    }

    /** The loop finished a turn (poll, hand out, collect, commit): it is alive and polling. */
    default void turned() {
    }

    /** A record was taken into work: a pool thread runs it, or its answer is being sent. */
    default void jobStarted(PartitionRef tp, long offset, String jobId) {
    }

    /**
     * A pool thread is about to run the job (called on that thread, not the poll thread): a
     * listener that must have told someone of the start before the job can crash the JVM waits here.
     */
    default void jobRunning(PartitionRef tp, long offset) {
    }

    /** A job failed with a retryable {@code code} on this attempt and will be tried again after a backoff. */
    default void jobRetried(PartitionRef tp, long offset, String jobId, io.imagefleet.wire.ErrorCode code, int attempt) {
    }

    /** A record started earlier left the loop. */
    default void jobEnded(PartitionRef tp, long offset, String jobId, Outcome outcome) {
    }

    /** Positions were committed: every record below each offset has its answer. */
    default void committed(Map<PartitionRef, Long> offsets) {
    }

    /**
     * The partitions changed while the loop was running (not while it drained).
     *
     * @param change {@code assigned}, {@code revoked} or {@code lost}
     */
    default void assignmentChanged(String change, Collection<PartitionRef> partitions, Set<PartitionRef> now) {
    }

    /** One listener that tells each of these in turn. */
    static LoopListener all(LoopListener... listeners) {
        List<LoopListener> list = List.of(listeners);
        return new LoopListener() {
            @Override
            public void turned() {
                list.forEach(LoopListener::turned);
            }

            @Override
            public void jobStarted(PartitionRef tp, long offset, String jobId) {
                list.forEach(l -> l.jobStarted(tp, offset, jobId));
            }

            @Override
            public void jobRunning(PartitionRef tp, long offset) {
                list.forEach(l -> l.jobRunning(tp, offset));
            }

            @Override
            public void jobRetried(PartitionRef tp, long offset, String jobId, io.imagefleet.wire.ErrorCode code,
                                   int attempt) {
                list.forEach(l -> l.jobRetried(tp, offset, jobId, code, attempt));
            }

            @Override
            public void jobEnded(PartitionRef tp, long offset, String jobId, Outcome outcome) {
                list.forEach(l -> l.jobEnded(tp, offset, jobId, outcome));
            }

            @Override
            public void committed(Map<PartitionRef, Long> offsets) {
                list.forEach(l -> l.committed(offsets));
            }

            @Override
            public void assignmentChanged(String change, Collection<PartitionRef> partitions, Set<PartitionRef> now) {
                list.forEach(l -> l.assignmentChanged(change, partitions, now));
            }
        };
    }
}
