package io.imagefleet.worker.kernel;

import java.time.Duration;

/**
 * Hears about a job whose thread is still running well past the job's deadline: the decoder
 * (or anything else) ignored the abort and the thread is stuck. Such a job has no result yet
 * and its offset stays uncommitted; the usual remedy is to recycle the worker JVM, so that the
 * job is delivered again elsewhere and, after repeated crashes, answered {@code WORKER_CRASHED}.
 *
 * <p>Called once per stuck job, on the pipeline's watchdog thread; implementations must be
 * thread-safe and return quickly.
 */
@FunctionalInterface
public interface StuckJobListener {
    /**
     * A job is stuck.
     *
     * @param jobId   the job's id
     * @param thread  the thread still running it (for its name and stack trace; do not stop it)
     * @param overdue how long past the job's deadline the thread has been running so far
     */
    void stuck(String jobId, Thread thread, Duration overdue);
}
