package io.imagefleet.worker.kernel;

import io.imagefleet.config.Durations;
import io.imagefleet.wire.ErrorCode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The deadline of one job ({@code IMAGEFLEET_JOB_TIMEOUT}). The stages check it between steps
 * with {@link #check}, bound their own waits by {@link #remainingNanos()}, poll {@link #expired()}
 * where they can stop early (image readers and writers, through their progress reports), and
 * register an abort action ({@link #onExpiry}: closing a socket) that the watchdog runs when the
 * deadline passes, so that a blocked read stops there.
 * Checked by the job's thread, expired by the watchdog thread; thread-safe.
 */
public final class JobDeadline {
    private final Duration timeout;
    private final long deadlineNanos;
    private final LongSupplier nanos;
    private final List<Runnable> actions = new ArrayList<>();
    private volatile boolean expired;

    JobDeadline(Duration timeout, LongSupplier nanos) {
        this.timeout = timeout;
        this.nanos = nanos;
        this.deadlineNanos = nanos.getAsLong() + timeout.toNanos();
    }

    /** A deadline that runs from now, with no watchdog: it only expires when checked late. For tools and tests. */
    public static JobDeadline after(Duration timeout) {
        return new JobDeadline(timeout, System::nanoTime);
    }

    /**
     * The same on a clock of the caller's, in nanoseconds: a test measuring how much work a step
     * does past its deadline runs it on the thread's CPU time, which a loaded machine does not stretch.
     */
    public static JobDeadline after(Duration timeout, LongSupplier nanos) {
        return new JobDeadline(timeout, nanos);
    }

    public Duration timeout() {
        return timeout;
    }

    /** Nanoseconds left before the deadline; zero or less once it has passed. */
    public long remainingNanos() {
        return expired ? 0 : deadlineNanos - nanos.getAsLong();
    }

    /** Milliseconds left, at least 1 while time remains (for socket timeouts, where 0 means forever). */
    public int remainingMillisForIo() throws JobFailure {
        long ms = remainingNanos() / 1_000_000;
        if (ms <= 0) {
            throw timedOut("waiting for I/O");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    public boolean expired() {
        return expired || deadlineNanos - nanos.getAsLong() <= 0;
    }

    /**
     * Fails the job TIMEOUT if the deadline has passed.
     *
     * @param doing what the job was doing, for the message ("decoding")
     */
    public void check(String doing) throws JobFailure {
        if (expired()) {
            throw timedOut(doing);
        }
    }

    /** The TIMEOUT failure of this job. */
    public JobFailure timedOut(String doing) {
        return new JobFailure(ErrorCode.TIMEOUT, "job ran past its " + Durations.format(timeout)
                + " deadline (IMAGEFLEET_JOB_TIMEOUT) while " + doing);
    }

    /**
     * Runs the action when the deadline passes (at once if it has), until the returned
     * registration is closed. Actions run on the watchdog thread and must not block.
     */
    public Registration onExpiry(Runnable action) {
        synchronized (actions) {
            if (!expired) {
                actions.add(action);
                return () -> {
                    synchronized (actions) {
                        actions.remove(action);
                    }
                };
            }
        }
        action.run();
        return () -> { };
    }

    /** Marks the deadline passed and runs the registered abort actions. */
    void expire() {
        List<Runnable> toRun;
        synchronized (actions) {
            expired = true;
            toRun = List.copyOf(actions);
            actions.clear();
        }
        for (Runnable r : toRun) {
            r.run();
        }
    }

    /** A registered abort action; closing it unregisters it. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
