package io.imagefleet.worker.consume;

import io.imagefleet.wire.Result;
import io.imagefleet.worker.config.RetryPolicy;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * What becomes of a job, decided from one fact and the job's history: after an attempt ran,
 * retry it after a backoff, answer it, answer and dead-letter it, or abandon it (leave it
 * uncommitted for redelivery, when the loop stops); after Kafka refused one of its records,
 * send it again later or, when retrying cannot cure the refusal, answer differently: a result
 * its reply topic refused is answered {@code REPLY_FAILED} on the results topic, and a dead
 * letter too large is cut. Pure: no Kafka, no clock, no threads; thread-safe.
 */
final class AnswerPolicy {
    private final RetryPolicy retry;
    private final DoubleSupplier random;

    AnswerPolicy(RetryPolicy retry, DoubleSupplier random) {
        this.retry = retry;
        this.random = random;
    }

    /** What to do about a job after an attempt. */
    sealed interface Decision {
        /** Run it again after {@code delay}. */
        record Retry(Duration delay) implements Decision {
        }

        /** Answer it with its result, and dead-letter it too when {@code deadLetter}. */
        record Answer(boolean deadLetter) implements Decision {
        }

        /** Leave it uncommitted: whoever holds the partition next runs it again. */
        record Abandon() implements Decision {
        }
    }

    /** What to do about a record Kafka refused. */
    sealed interface Refusal {
        /** Send it again after {@code delay}. */
        record Resend(Duration delay) implements Refusal {
        }

        /** Answer REPLY_FAILED on the results topic instead, naming {@code cause}, and dead-letter the job. */
        record ReplyFailed(String cause) implements Refusal {
        }

        /** Send a shorter copy of the dead letter. */
        record Cut() implements Refusal {
        }

        /** Leave the job uncommitted (the loop is stopping). */
        record Abandon() implements Refusal {
        }
    }

    Decision afterAttempt(Result result, int attempt, boolean stopping) {
        if (result.succeeded()) {
            return new Decision.Answer(false);
        }
        if (!result.error().code().retryable()) {
            return new Decision.Answer(false);
        }
        if (!retry.mayRetry(attempt)) {
            return new Decision.Answer(true);
        }
        // Not answered failed while attempts are left: a restarted worker tries it again.
        return stopping ? new Decision.Abandon() : new Decision.Retry(retry.delay(attempt, random));
    }

    /**
     * @param kind  what the refused record is
     * @param sends how many times it has been handed to the producer
     */
    Refusal afterRefusal(Replies.Kind kind, Exception e, int sends, boolean stopping) {
        if (!curable(e)) {
            if (kind == Replies.Kind.REPLY || (kind == Replies.Kind.RESULT && tooLarge(e))) {
                return new Refusal.ReplyFailed(cause(e));
            }
            if (kind == Replies.Kind.DEAD_LETTER && tooLarge(e)) {
                return new Refusal.Cut();
            }
            // The configured results or dead-letter topic refuses us: an operator has to fix that; keep trying.
        }
        return stopping ? new Refusal.Abandon() : new Refusal.Resend(retry.delay(Math.min(sends, 6), random));
    }

    /**
     * Whether sending again may succeed. Not for an invalid or unknown topic (the worker never
     * creates topics; a topic still unknown after the producer's bounded metadata wait is as good
     * as missing), missing authorisation, or a record too large.
     */
    static boolean curable(Throwable e) {
        if (e instanceof InvalidTopicException || e instanceof AuthorizationException || tooLarge(e)
                || e instanceof UnknownTopicOrPartitionException) {
            return false;
        }
        if (e instanceof TimeoutException && e.getMessage() != null && e.getMessage().contains("not present in metadata")) {
            return false;
        }
        return e instanceof RetriableException || !(e instanceof org.apache.kafka.common.errors.ApiException);
    }

    private static boolean tooLarge(Throwable e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException;
    }

    /** The refusal in a few words, for a REPLY_FAILED message. */
    static String cause(Throwable e) {
        String what = e instanceof InvalidTopicException ? "invalid topic"
                : e instanceof UnknownTopicOrPartitionException || e instanceof TimeoutException ? "the topic does not exist"
                : e instanceof AuthorizationException ? "not authorised"
                : tooLarge(e) ? "the record is too large" : "refused";
        return what + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }
}
