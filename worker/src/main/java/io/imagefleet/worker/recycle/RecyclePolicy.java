package io.imagefleet.worker.recycle;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When a worker JVM recycles. A zero turns a trigger off. Immutable.
 *
 * @param maxJobs   {@code IMAGEFLEET_RECYCLE_MAX_JOBS}: jobs finished before recycling
 * @param heapRatio {@code IMAGEFLEET_RECYCLE_HEAP_RATIO}: old generation used after a collection, as a fraction of its maximum
 * @param rssBytes  {@code IMAGEFLEET_RECYCLE_RSS_BYTES}: resident set size
 * @param maxAge    {@code IMAGEFLEET_RECYCLE_MAX_AGE}: time since start
 * @param jitter    {@code IMAGEFLEET_RECYCLE_JITTER}: the fraction by which the job and age limits
 *                  vary at random per JVM, so siblings started together do not all come due at once
 */
public record RecyclePolicy(int maxJobs, double heapRatio, long rssBytes, Duration maxAge, double jitter) {
    public static final RecyclePolicy NEVER = new RecyclePolicy(0, 0, 0, Duration.ZERO, 0);

    /** This JVM's job limit: maxJobs varied by up to the jitter either way, at least 1; 0 when off. */
    public int jobLimit(DoubleSupplier random) {
        if (maxJobs <= 0) {
            return 0;
        }
        return (int) Math.max(1, Math.round(maxJobs * vary(random)));
    }

    /** This JVM's age limit, varied like the job limit; zero when off. */
    public Duration ageLimit(DoubleSupplier random) {
        if (maxAge.isZero() || maxAge.isNegative()) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.max(1, Math.round(maxAge.toMillis() * vary(random))));
    }

    private double vary(DoubleSupplier random) {
        return 1 + jitter * (2 * random.getAsDouble() - 1);
    }
}
