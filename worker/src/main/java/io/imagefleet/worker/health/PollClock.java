package io.imagefleet.worker.health;

import io.imagefleet.worker.consume.LoopListener;
import io.imagefleet.worker.consume.PartitionRef;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * When the consumer loop last finished a turn, and whether it is stalled: it holds jobs but has
 * neither started nor finished one for longer than any job may legitimately take. Either is a
 * worker's liveness: a loop that turns without getting anywhere (every partition paused behind
 * jobs that never end) must not look alive. The poll thread writes it (through the
 * {@link LoopListener} calls), any thread reads it. Thread-safe.
 */
public final class PollClock implements LoopListener {
    private final LongSupplier nanos;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile long lastTurnNanos;
    private volatile boolean turnedOnce;
    private volatile long lastProgressNanos;
    private volatile long stallAfterNanos;

    public PollClock(LongSupplier nanos) {
        this.nanos = nanos;
        this.lastProgressNanos = nanos.getAsLong();
    }

    /** From now on, a loop holding jobs without progress for longer than {@code limit} counts as stalled (zero: never). */
    public void stallAfter(Duration limit) {
        stallAfterNanos = limit.toNanos();
    }

    @Override
    public void turned() {
        lastTurnNanos = nanos.getAsLong();
        turnedOnce = true;
    }

    @Override
    public void jobStarted(PartitionRef tp, long offset, String jobId) {
        inFlight.incrementAndGet();
        lastProgressNanos = nanos.getAsLong();
    }

    @Override
    public void jobEnded(PartitionRef tp, long offset, String jobId, Outcome outcome) {
        inFlight.decrementAndGet();
        lastProgressNanos = nanos.getAsLong();
    }

    /**
     * Nanoseconds since the last turn, or since the loop last made progress when it is stalled
     * (whichever is longer), so that whoever watches the age sees a stall too; empty before the first turn.
     */
    public OptionalLong ageNanos() {
        if (!turnedOnce) {
            return OptionalLong.empty();
        }
        long now = nanos.getAsLong();
        return OptionalLong.of(Math.max(now - lastTurnNanos, stalledNanos(now)));
    }

    /** How long the loop has held jobs without progress, once that is past the limit; else 0. */
    public long stalledNanos() {
        return stalledNanos(nanos.getAsLong());
    }

    private long stalledNanos(long now) {
        long limit = stallAfterNanos;
        long stalled = inFlight.get() > 0 ? now - lastProgressNanos : 0;
        return limit > 0 && stalled > limit ? stalled : 0;
    }

    /** Jobs started and not yet ended. */
    public int inFlight() {
        return inFlight.get();
    }
}
