package io.imagefleet.worker.supervise;

import io.imagefleet.worker.recycle.RecycleReason;

import java.time.Duration;
import java.time.Instant;

/**
 * One recycle of one slot while it is under way: asked for, granted, the old JVM's exit, the new
 * JVM's rejoin, until the new JVM starts its first job. Touched only by the supervisor's thread.
 */
final class SlotRecycle {
    final RecycleReason reason;
    final String detail;
    final long askedNanos;
    private long grantedNanos;
    private Instant grantedAt;
    private long jobs;
    private long lastJobNanos;
    private long exitNanos = -1;
    private Duration drain;
    private Duration rejoin;

    SlotRecycle(RecycleReason reason, String detail, long askedNanos) {
        this.reason = reason;
        this.detail = detail;
        this.askedNanos = askedNanos;
    }

    void granted(long now, Instant at) {
        grantedNanos = now;
        grantedAt = at;
    }

    /** The old JVM exited after its drain, having answered {@code jobs}, the last at {@code lastJobNanos} (0: none). */
    void oldExited(long now, long jobs, long lastJobNanos) {
        this.exitNanos = now;
        this.jobs = jobs;
        this.lastJobNanos = lastJobNanos;
        this.drain = Duration.ofNanos(now - grantedNanos);
    }

    /** Whether the old JVM has gone: the slot waits for its new JVM's first job. */
    boolean oldGone() {
        return exitNanos >= 0;
    }

    /** The new JVM got partitions: the first time, that is the rejoin. */
    void rejoined(long now) {
        if (rejoin == null && oldGone()) {
            rejoin = Duration.ofNanos(now - exitNanos);
        }
    }

    long exitNanos() {
        return exitNanos;
    }

    long grantedNanos() {
        return grantedNanos;
    }

    long lastJobNanos() {
        return lastJobNanos;
    }

    /** The finished recycle; {@code gap} is null when nothing waited for the new JVM. */
    RecycleRecord record(int slot, Duration gap) {
        return new RecycleRecord(slot, reason, detail, jobs, grantedAt, drain, rejoin, lastJobNanos == 0 ? null : gap);
    }
}
