package io.imagefleet.worker.admission;

import io.imagefleet.wire.Job;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.pipeline.Admission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Memory-aware admission: each job reserves its {@link PeakEstimate} from a budget (a fraction of
 * the maximum heap) before it decodes, and gives it back when its outputs are done. Jobs are
 * admitted in arrival order; one that does not fit waits on its pool thread (the consumer loop,
 * seeing its pool busy, pauses partitions and keeps polling). A job that needs more than the whole
 * budget reserves all of it and so runs alone. Reserved bytes never exceed the budget.
 * Thread-safe.
 */
public final class MemoryBudget implements Admission {
    private static final Logger log = LoggerFactory.getLogger(MemoryBudget.class);

    private final long capacity;
    private final LongSupplier nanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Object> queue = new ArrayDeque<>();
    private long reserved;
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

    @Override
    public Reservation admit(Job job, ProbeResult header, int subsampling) throws InterruptedException {
        long need = PeakEstimate.bytes(header, subsampling, job.outputs());
        if (need > capacity) {
            log.info("job {} ({}x{} {}, subsampling {}) needs about {}, more than the whole budget of {}; it runs alone",
                    job.id(), header.width(), header.height(), header.format(), subsampling,
                    PeakEstimate.format(need), PeakEstimate.format(capacity));
        }
        return reserve(Math.min(need, capacity));
    }

    /** Waits until {@code bytes} (at most the capacity) fit, in arrival order, and reserves them. */
    Reservation reserve(long bytes) throws InterruptedException {
        if (bytes > capacity || bytes < 0) {
            throw new IllegalArgumentException("cannot reserve " + bytes + " bytes from a budget of " + capacity);
        }
        Object ticket = new Object();
        long start = nanos.getAsLong();
        lock.lock();
        try {
            queue.addLast(ticket);
            try {
                while (queue.peekFirst() != ticket || reserved + bytes > capacity) {
                    changed.await();
                }
            } catch (InterruptedException e) {
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
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(bytes);
            }
        };
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

    /** The most bytes ever reserved at once; never more than the capacity. */
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
