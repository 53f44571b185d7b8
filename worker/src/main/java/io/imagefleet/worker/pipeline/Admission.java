package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Job;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

/**
 * Decides whether and when a job may do its pixel work, from what its header says it will need:
 * it refuses a job that asks for too much, and makes one that does not fit yet wait (within its
 * deadline). Called on pool threads between probe and decode; the reservation is held until the
 * job's outputs are done. Implementations are thread-safe.
 */
public interface Admission {
    /** Admits every job at once: no limits, no memory budget. */
    Admission UNBOUNDED = (job, header, subsampling, deadline) -> () -> { };

    /**
     * Waits until the job may decode.
     *
     * @param subsampling the source subsampling the decode will use
     * @param deadline    the job's deadline; waiting past it fails the job TIMEOUT
     * @throws JobFailure when the job can never be admitted (IMAGE_TOO_LARGE, PROCESS_FAILED with the
     *                    numbers), or TIMEOUT when its deadline passes while it waits
     */
    Reservation admit(Job job, ProbeResult header, int subsampling, JobDeadline deadline)
            throws JobFailure, InterruptedException;

    /**
     * Counts a fetched source's bytes as held, from the fetch until its decode is done, so that
     * jobs waiting to be admitted see the heap that prefetched sources take. Never waits.
     */
    default Reservation holdSource(long bytes) {
        return () -> { };
    }

    /** What an admitted job holds; closing it gives it back. */
    @FunctionalInterface
    interface Reservation extends AutoCloseable {
        @Override
        void close();
    }
}
