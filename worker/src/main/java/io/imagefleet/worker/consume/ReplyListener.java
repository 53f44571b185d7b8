package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Result;

/**
 * Hears every final answer a worker sends, as {@link Replies} builds it: a job's result (which
 * happens once per job, whatever path answered it: the pipeline, an invalid record, a stuck
 * thread, a job given up after crashes) and each dead letter. For metrics and the per-job log
 * line. A record is told by where it sits ({@link RecordRef}), so a listener needs no Kafka class.
 * Called on the thread that answers (a pool thread or the poll thread); implementations
 * must be quick, thread-safe and must not throw.
 */
public interface ReplyListener {
    /** Hears nothing. */
    ReplyListener NONE = new ReplyListener() { };

    /** The final result of the job in {@code record}. */
    default void result(RecordRef record, Result result) {
    }

    /** {@code record} goes to the dead-letter topic with this code after this many attempts. */
    default void deadLetter(RecordRef record, ErrorCode code, int attempts) {
    }

    /** One listener that tells each of these in turn. */
    static ReplyListener all(ReplyListener... listeners) {
        return new ReplyListener() {
            @Override
            public void result(RecordRef record, Result result) {
                for (ReplyListener l : listeners) {
                    l.result(record, result);
                }
            }

            @Override
            public void deadLetter(RecordRef record, ErrorCode code, int attempts) {
                for (ReplyListener l : listeners) {
                    l.deadLetter(record, code, attempts);
                }
            }
        };
    }
}
