package io.imagefleet.worker.supervise;

import java.time.Duration;

/**
 * When a slot whose worker JVM died gets its next one: at once after a first crash, or after a
 * JVM that had run {@link #STABLE_UPTIME}; with a backoff doubling from {@link #FIRST_BACKOFF}
 * up to a maximum while the slot keeps crashing. A recycle never goes through here: it is
 * respawned at once, always. Immutable.
 */
final class CrashPolicy {
    /** A JVM that ran this long before crashing is not part of a crash loop. */
    static final Duration STABLE_UPTIME = Duration.ofSeconds(60);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final Duration maxBackoff;

    CrashPolicy(Duration maxBackoff) {
        if (maxBackoff.isNegative()) {
            throw new IllegalArgumentException("the crash backoff must not be negative, got " + maxBackoff);
        }
        this.maxBackoff = maxBackoff;
    }

    /** The crashes in a row after this one, given those before it and how long the JVM ran. */
    int consecutive(int before, Duration uptime) {
        return uptime.compareTo(STABLE_UPTIME) > 0 ? 1 : before + 1;
    }

    /** How long to wait before the next JVM after {@code consecutive} failures in a row: zero for the first. */
    Duration backoff(int consecutive) {
        if (consecutive <= 1) {
            return Duration.ZERO;
        }
        long ms = FIRST_BACKOFF.toMillis() << Math.min(20, consecutive - 2);
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
