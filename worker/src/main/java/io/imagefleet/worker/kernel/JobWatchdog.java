package io.imagefleet.worker.kernel;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Watches the deadline of every running job. When a job's deadline passes it runs the job's
 * abort actions (see {@link JobDeadline#onExpiry}); when the job's thread is still running a
 * grace period after that, it tells the job's {@link StuckJobListener}. One instance serves every
 * pool thread; its scheduler thread only runs short actions. Thread-safe.
 */
public final class JobWatchdog {
    private final Duration timeout;
    private final Duration stuckAfter;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanos;

    /**
     * @param timeout    the deadline of each job, from the start of its processing
     * @param stuckAfter how long past the deadline a job's thread may keep running before it is reported stuck
     * @param scheduler  runs the expiry and stuck checks (one thread is plenty)
     * @param nanos      the clock (System::nanoTime)
     */
    public JobWatchdog(Duration timeout, Duration stuckAfter, ScheduledExecutorService scheduler, LongSupplier nanos) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the job timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        this.stuckAfter = stuckAfter;
        this.scheduler = scheduler;
        this.nanos = nanos;
    }

    /** The clock the deadlines run on. */
    public LongSupplier nanos() {
        return nanos;
    }

    /** Starts watching a job run by the current thread; close the watch when the job is done. */
    public Watch watch(String jobId, StuckJobListener listener) {
        Thread thread = Thread.currentThread();
        return watch(jobId, listener, () -> thread);
    }

    /**
     * Starts watching a job whose stages run on threads that change: when the stuck check comes,
     * {@code thread} says which thread runs its work now, or null when none does (the job waits
     * between stages), and then nothing is reported: the job's next stage sees its deadline passed.
     */
    public Watch watch(String jobId, StuckJobListener listener, Supplier<Thread> thread) {
        JobDeadline deadline = new JobDeadline(timeout, nanos);
        long startNanos = nanos.getAsLong();
        ScheduledFuture<?> expiry = scheduler.schedule(deadline::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        ScheduledFuture<?> stuck = scheduler.schedule(() -> {
            Thread t = thread.get();
            if (t != null) {
                listener.stuck(jobId, t, Duration.ofNanos(nanos.getAsLong() - startNanos).minus(timeout));
            }
        }, timeout.plus(stuckAfter).toNanos(), TimeUnit.NANOSECONDS);
        return new Watch(deadline, expiry, stuck);
    }

    /** One job's deadline and its scheduled checks. */
    public record Watch(JobDeadline deadline, ScheduledFuture<?> expiry, ScheduledFuture<?> stuck) implements AutoCloseable {
        @Override
        public void close() {
            expiry.cancel(false);
            stuck.cancel(false);
        }
    }
}
