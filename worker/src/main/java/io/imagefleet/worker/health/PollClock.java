package io.imagefleet.worker.health;

import io.imagefleet.worker.consume.LoopListener;

import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * When the consumer loop last finished a turn: a worker's liveness. The poll thread writes it
 * (through {@link LoopListener#turned()}), any thread reads it. Thread-safe.
 */
public final class PollClock implements LoopListener {
    private final LongSupplier nanos;
    private volatile long lastTurnNanos;
    private volatile boolean turnedOnce;

    public PollClock(LongSupplier nanos) {
        this.nanos = nanos;
    }

    @Override
    public void turned() {
        lastTurnNanos = nanos.getAsLong();
        turnedOnce = true;
    }

    /** Nanoseconds since the last turn; empty before the first. */
    public OptionalLong ageNanos() {
        return turnedOnce ? OptionalLong.of(nanos.getAsLong() - lastTurnNanos) : OptionalLong.empty();
    }
}
