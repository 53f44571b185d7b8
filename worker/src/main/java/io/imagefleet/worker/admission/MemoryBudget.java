package io.imagefleet.worker.admission;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.pipeline.Admission;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The heap that admitted jobs may hold: a fraction of the maximum heap, from which each job
 * reserves its {@link PeakEstimate} before it decodes and gives it back when its outputs are done.
 * Jobs are served in arrival order; one that does not fit waits on its pool thread (the consumer
 * loop, seeing its pool busy, pauses partitions and keeps polling), but never past its deadline:
 * the wait counts against the job's time and ends TIMEOUT. A request larger than the whole budget
 * is refused at once (it could never be served). Fetched sources waiting for their decode are
 * {@link #hold held} and counted against the budget too. Reserved bytes never exceed the budget.
 * Thread-safe.
 */
public final class MemoryBudget {
    private final long capacity;
    private final LongSupplier nanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Object> queue = new ArrayDeque<>();
    private long reserved;
    /** Bytes of fetched sources held outside reservations (prefetched, waiting for a thread or decoding). */
    private long held;
    private long highWater;
    private long waitNanos;
    private long admitted;

    /**
     * @param capacity the budget in bytes
     * @param nanos    a monotonic clock, for the admission wait
     */
    public MemoryBudget(long capacity, LongSupplier nanos) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a memory budget must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.nanos = nanos;
    }

    /** A budget of {@code fraction} of this JVM's maximum heap. */
    public static MemoryBudget ofHeap(double fraction) {
        return new MemoryBudget((long) (Runtime.getRuntime().maxMemory() * fraction), System::nanoTime);
    }

    /** Waits, with no deadline, until {@code bytes} (at most the capacity) fit, and reserves them. For tests and tools. */
    Admission.Reservation reserve(long bytes) throws InterruptedException {
        try {
            return reserve(bytes, JobDeadline.after(Duration.ofDays(365)));
        } catch (JobFailure e) {
            throw new IllegalStateException("a year-long deadline passed", e);
        }
    }

    /**
     * Waits until {@code bytes} (at most the capacity) fit, in arrival order, and reserves them.
     *
     * @throws JobFailure TIMEOUT when the job's deadline passes first; the job then leaves the queue
     */
    Admission.Reservation reserve(long bytes, JobDeadline deadline) throws InterruptedException, JobFailure {
        if (bytes > capacity || bytes < 0) {
            throw new IllegalArgumentException("cannot reserve " + bytes + " bytes from a budget of " + capacity);
        }
        Object ticket = new Object();
        long start = nanos.getAsLong();
        // The watchdog's expiry wakes the waiter, so a deadline on a clock other than the lock's is seen at once.
        try (JobDeadline.Registration wake = deadline.onExpiry(this::wakeAll)) {
            lock.lock();
            try {
                queue.addLast(ticket);
                try {
                    while (queue.peekFirst() != ticket || !fits(bytes)) {
                        long left = deadline.remainingNanos();
                        if (left <= 0) {
                            throw deadline.timedOut("waiting for memory (needs " + PeakEstimate.format(bytes) + " of a "
                                    + PeakEstimate.format(capacity) + " budget; " + PeakEstimate.format(reserved)
                                    + " held by other jobs and " + PeakEstimate.format(held) + " by fetched sources, "
                                    + (queue.size() - 1) + " waiting)");
                        }
                        changed.awaitNanos(left);
                    }
                } catch (InterruptedException | JobFailure e) {
                    queue.remove(ticket);
                    changed.signalAll();
                    throw e;
                }
                queue.removeFirst();
                reserved += bytes;
                highWater = Math.max(highWater, reserved);
                waitNanos += nanos.getAsLong() - start;
                admitted++;
                // The next in line may fit too.
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(bytes);
            }
        };
    }

    /**
     * Whether a reservation fits now. Fetched sources count too, except when nothing is reserved:
     * then the sources can only be freed by this job and those after it, so waiting for them would
     * never end (they are bounded by the loop's fetch budget, so the heap they take stays bounded).
     */
    private boolean fits(long bytes) {
        return reserved + bytes <= capacity && (reserved == 0 || reserved + held + bytes <= capacity);
    }

    /**
     * Counts bytes of a fetched source as held until the returned reservation is closed: jobs
     * waiting to be admitted wait for them too (see {@link #fits}). Never waits; idempotent close.
     */
    public Admission.Reservation hold(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot hold " + bytes + " bytes");
        }
        lock.lock();
        try {
            held += bytes;
        } finally {
            lock.unlock();
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                lock.lock();
                try {
                    held -= bytes;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    /** Bytes of fetched sources held now. */
    public long held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    private void wakeAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void release(long bytes) {
        lock.lock();
        try {
            reserved -= bytes;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes reserved now. */
    public long reserved() {
        lock.lock();
        try {
            return reserved;
        } finally {
            lock.unlock();
        }
    }

    /** The most bytes ever reserved at once (fetched sources not included); never more than the capacity. */
    public long highWater() {
        lock.lock();
        try {
            return highWater;
        } finally {
            lock.unlock();
        }
    }

    /** Jobs waiting to be admitted now. */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Jobs admitted so far and the total time they waited, for metrics. */
    public long admitted() {
        lock.lock();
        try {
            return admitted;
        } finally {
            lock.unlock();
        }
    }

    public long totalWaitNanos() {
        lock.lock();
        try {
            return waitNanos;
        } finally {
            lock.unlock();
        }
    }
}
