package io.imagefleet.worker.source;

import io.imagefleet.worker.kernel.JobDeadline;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * An origin's {@code Retry-After} on a 429 or 503 (delta-seconds or an HTTP-date, RFC 9110
 * section 10.2.3), honoured when the wait and a second for the retry fit in the job's deadline,
 * at most {@value #MAX_WAITS} times a fetch. Stateless.
 */
final class RetryAfter {
    /** How many times one fetch waits for an origin that asks it to. */
    static final int MAX_WAITS = 2;
    /** Time left for the request after the wait. */
    private static final Duration MARGIN = Duration.ofSeconds(1);

    private RetryAfter() {
    }

    /**
     * How long to wait before asking again, or null when the answer does not ask for a wait the
     * job can afford (not a 429 or 503, no or an unreadable header, or past the deadline).
     */
    static Duration pause(int status, String header, JobDeadline deadline, Clock clock) {
        Duration wait = parse(status, header, clock);
        if (wait == null || wait.plus(MARGIN).toNanos() > deadline.remainingNanos()) {
            return null;
        }
        return wait;
    }

    /** What the header asked for, or null: for the failure's message. */
    static Duration parse(int status, String header, Clock clock) {
        if ((status != 429 && status != 503) || header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            if (value.chars().allMatch(Character::isDigit)) {
                return value.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(value));
            }
            Duration until = Duration.between(clock.instant(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    /** Waits out the pause on the job's thread; false when interrupted (the flag is kept). */
    static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
