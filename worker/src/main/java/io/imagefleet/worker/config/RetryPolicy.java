package io.imagefleet.worker.config;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How retryable failures are tried again: up to {@code maxAttempts} in all, waiting an
 * exponentially growing, jittered time between attempts (half the step fixed, half at random,
 * so that jobs that failed together do not come back together). Immutable.
 *
 * @param maxAttempts {@code IMAGEFLEET_RETRY_ATTEMPTS}: attempts in all, the first included
 * @param backoff     {@code IMAGEFLEET_RETRY_BACKOFF}: the wait after the first attempt
 * @param maxBackoff  {@code IMAGEFLEET_RETRY_BACKOFF_MAX}: the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration backoff, Duration maxBackoff) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30));

    /** Whether a job that failed on this attempt may be tried again. */
    public boolean mayRetry(int attempt) {
        return attempt < maxAttempts;
    }

    /** The wait after the given (failed) attempt: in [step/2, step), step = backoff x 2^(attempt-1), capped. */
    public Duration delay(int attempt, DoubleSupplier random) {
        long step = backoff.toMillis() << Math.min(30, Math.max(0, attempt - 1));
        step = Math.min(step, maxBackoff.toMillis());
        return Duration.ofMillis(step / 2 + (long) (random.getAsDouble() * (step - step / 2)));
    }

    /** The longest a job's commits can be held back by its retries: the sum of the waits at their longest. */
    public Duration worstCaseWait() {
        Duration total = Duration.ZERO;
        for (int a = 1; a < maxAttempts; a++) {
            total = total.plus(Duration.ofMillis(Math.min(maxBackoff.toMillis(),
                    backoff.toMillis() << Math.min(30, a - 1))));
        }
        return total;
    }
}
