package io.imagefleet.worker.recycle;

import java.util.Locale;

/** Why a worker JVM recycles. The wire name ({@code max-jobs}) is what logs, messages and metrics carry. */
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
    STUCK_JOB;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
