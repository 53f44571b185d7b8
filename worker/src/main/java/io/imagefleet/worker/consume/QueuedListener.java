package io.imagefleet.worker.consume;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LoopListener} that tells another, slow one (the supervisor, over a pipe) on a thread
 * of its own, so that a slow or stuck reader can never block the poll thread. Its queue is
 * bounded: when it is full (the other side has not read for a long time) news is dropped and
 * counted, not waited for. Thread-safe; {@link #close()} stops its thread after telling what
 * was queued, within a bound.
 */
public final class QueuedListener implements LoopListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueuedListener.class);
    private static final Runnable END = () -> { };

    private final LoopListener slow;
    private final BlockingQueue<Runnable> queue;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong told = new AtomicLong();
    private final long waitNanos;

    /**
     * @param runWait how long a pool thread about to run a job waits for the news queued before it
     *                (its job's start) to be told: a job that kills the JVM must not go unreported
     */
    public QueuedListener(LoopListener slow, int capacity, String threadName, java.time.Duration runWait) {
        this.slow = slow;
        this.waitNanos = runWait.toNanos();
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::tell, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void tell() {
        while (true) {
            Runnable r;
            try {
                r = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (r == END) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("a loop listener failed: {}", e.toString());
            } finally {
                told.incrementAndGet();
            }
        }
    }

    private synchronized void queue(Runnable r) {
        if (queue.offer(r)) {
            queued.incrementAndGet();
        } else {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                log.warn("{} news of the consumer loop dropped: its listener has not kept up", n);
            }
        }
    }

    /** On a pool thread: waits (bounded) until everything queued so far, its job's start included, was told. */
    @Override
    public void jobRunning(PartitionRef tp, long offset) {
        long target = queued.get();
        long deadline = System.nanoTime() + waitNanos;
        while (told.get() < target && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    /** News dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Not passed on: a turn is for the liveness clock, which is quick and listens directly. */
    @Override
    public void turned() {
    }

    @Override
    public void jobStarted(PartitionRef tp, long offset, String jobId) {
        queue(() -> slow.jobStarted(tp, offset, jobId));
    }

    @Override
    public void jobEnded(PartitionRef tp, long offset, String jobId, Outcome outcome) {
        queue(() -> slow.jobEnded(tp, offset, jobId, outcome));
    }

    @Override
    public void committed(Map<PartitionRef, Long> offsets) {
        queue(() -> slow.committed(Map.copyOf(offsets)));
    }

    @Override
    public void assignmentChanged(String change, Collection<PartitionRef> partitions, Set<PartitionRef> now) {
        Collection<PartitionRef> p = Set.copyOf(partitions);
        queue(() -> slow.assignmentChanged(change, p, now));
    }

    /** Tells what is queued (waiting up to {@code millis}), then stops the thread. */
    public void close(long millis) {
        try {
            if (queue.offer(END, millis, TimeUnit.MILLISECONDS)) {
                thread.join(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    @Override
    public void close() {
        close(2_000);
    }
}
