package io.imagefleet.worker.source;

import io.imagefleet.config.Durations;
import io.imagefleet.worker.kernel.JobDeadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A circuit breaker for one store that every job shares (the configured S3 endpoint). After
 * {@code threshold} requests in a row found the store down (no answer, or a 5xx), it opens: the
 * store is down for everyone, so no job should spend its retries on it. While it is open, callers
 * wait in {@link #awaitClosed} (each bounded by its own job's deadline) instead of failing; after
 * a pause one waiter runs the probe, a request that belongs to no job; when the store answers the
 * breaker closes and every waiter goes on, otherwise the pause doubles (up to a maximum).
 *
 * <p>Jobs that wait hold their pool thread, so the consumer loop's own back-pressure (no free
 * thread, partitions paused, polling goes on) stops fetching more records during an outage,
 * with no change to the loop. Thread-safe.
 */
public final class StoreBreaker {
    private static final Logger log = LoggerFactory.getLogger(StoreBreaker.class);

    /** Where the breaker is; exported for tests and logs. */
    public enum State {
        /** The store answers: requests go. */
        CLOSED,
        /** The store is down: requests wait until a probe finds it back. */
        OPEN,
        /** Open, and one waiter is running the probe now. */
        PROBING
    }

    private final String name;
    private final int threshold;
    private final Duration firstPause;
    private final Duration maxPause;
    private final BooleanSupplier probe;
    private final LongSupplier nanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private State state = State.CLOSED;
    private int failuresInARow;
    private Duration pause;
    private long probeAtNanos;
    private long openedAtNanos;

    /**
     * @param name       the store, for logs ("s3 http://minio:9000")
     * @param threshold  requests in a row that found the store down before it opens
     * @param firstPause how long it stays open before the first probe; doubled after each failed probe
     * @param maxPause   the longest pause between probes
     * @param probe      a request that belongs to no job: true when the store answered (any answer but a 5xx)
     * @param nanos      the clock
     */
    public StoreBreaker(String name, int threshold, Duration firstPause, Duration maxPause, BooleanSupplier probe,
                        LongSupplier nanos) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
        }
        if (firstPause.isNegative() || firstPause.isZero() || maxPause.compareTo(firstPause) < 0) {
            throw new IllegalArgumentException("pauses must be positive with the first no longer than the maximum, got "
                    + Durations.format(firstPause) + " and " + Durations.format(maxPause));
        }
        this.name = name;
        this.threshold = threshold;
        this.firstPause = firstPause;
        this.maxPause = maxPause;
        this.probe = probe;
        this.nanos = nanos;
        this.pause = firstPause;
    }

    public State state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns at once while the breaker is closed; while it is open, waits until it closes (running
     * the probe when one is due and nobody else is), or until the job's deadline.
     *
     * @return true when requests may go, false when the deadline came first
     */
    public boolean awaitClosed(JobDeadline deadline) throws InterruptedException {
        lock.lock();
        try {
            while (state != State.CLOSED) {
                long left = deadline.remainingNanos();
                if (left <= 0) {
                    return false;
                }
                long untilProbe = probeAtNanos - nanos.getAsLong();
                if (state == State.OPEN && untilProbe <= 0) {
                    runProbe();
                } else {
                    changed.awaitNanos(state == State.OPEN ? Math.min(left, untilProbe) : left);
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A request got an answer from the store (whatever it was, short of a 5xx). */
    public void succeeded() {
        lock.lock();
        try {
            failuresInARow = 0;
            if (state != State.CLOSED) {
                close("a request got through");
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A request found the store down.
     *
     * @return true when the breaker is open now (this failure opened it, or it already was): the
     *         caller should wait in {@link #awaitClosed} and try again rather than fail its job
     */
    public boolean failed() {
        lock.lock();
        try {
            failuresInARow++;
            if (state == State.CLOSED && failuresInARow >= threshold) {
                state = State.OPEN;
                openedAtNanos = nanos.getAsLong();
                pause = firstPause;
                probeAtNanos = openedAtNanos + pause.toNanos();
                log.warn("store {} is down ({} requests in a row failed): jobs wait for it, probing in {}", name,
                        failuresInARow, Durations.format(pause));
                changed.signalAll();
            }
            return state != State.CLOSED;
        } finally {
            lock.unlock();
        }
    }

    /** Runs the probe without the lock held; called with it held, returns with it held. */
    private void runProbe() {
        state = State.PROBING;
        boolean up = false;
        lock.unlock();
        try {
            up = probe.getAsBoolean();
        } catch (RuntimeException e) {
            log.debug("probe of store {} failed: {}", name, e.toString());
        } finally {
            lock.lock();
        }
        if (state != State.PROBING) {
            return; // closed meanwhile by a request that got through
        }
        if (up) {
            close("the probe got an answer");
        } else {
            state = State.OPEN;
            pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
            probeAtNanos = nanos.getAsLong() + pause.toNanos();
            log.info("store {} is still down; next probe in {}", name, Durations.format(pause));
        }
        changed.signalAll();
    }

    private void close(String why) {
        long downMs = TimeUnit.NANOSECONDS.toMillis(nanos.getAsLong() - openedAtNanos);
        state = State.CLOSED;
        failuresInARow = 0;
        pause = firstPause;
        log.warn("store {} is back after {} ms ({}): jobs go on", name, downMs, why);
        changed.signalAll();
    }
}
