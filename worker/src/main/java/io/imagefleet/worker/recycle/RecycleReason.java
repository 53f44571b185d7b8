package io.imagefleet.worker.recycle;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Why a worker JVM recycles. The wire name ({@code max-jobs}) is what logs, messages and metrics
 * carry: it is the JSON value and {@link #toString()}.
 */
public enum RecycleReason {
    /** It finished its share of jobs ({@code IMAGEFLEET_RECYCLE_MAX_JOBS}, with jitter). */
    MAX_JOBS,
    /** The old generation stayed over {@code IMAGEFLEET_RECYCLE_HEAP_RATIO} after a collection. */
    HEAP,
    /** Its resident set grew over {@code IMAGEFLEET_RECYCLE_RSS_BYTES}. */
    RSS,
    /** It reached {@code IMAGEFLEET_RECYCLE_MAX_AGE}, with jitter. */
    AGE,
    /** A job's thread stayed stuck past the job timeout. */
    STUCK_JOB,
    /**
     * A reason this side does not know, read from a newer worker JVM; never asked for. The
     * supervisor's meters count it as {@code other}.
     */
    @JsonEnumDefaultValue
    UNKNOWN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return wireName();
    }
}
