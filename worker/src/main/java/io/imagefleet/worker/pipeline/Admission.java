package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Job;
import io.imagefleet.worker.imaging.ProbeResult;

/**
 * Decides when a job may decode, from what its header says it will need. Called on pool
 * threads between probe and decode; the reservation is held until the job's outputs are done.
 * Implementations are thread-safe.
 */
public interface Admission {
    /** Admits every job at once: no memory budget. */
    Admission UNBOUNDED = (job, header, subsampling) -> () -> { };

    /**
     * Waits until the job may decode.
     *
     * @param subsampling the source subsampling the decode will use
     * @throws JobFailure when the job can never be admitted
     */
    Reservation admit(Job job, ProbeResult header, int subsampling) throws JobFailure, InterruptedException;

    /** What an admitted job holds; closing it gives it back. */
    @FunctionalInterface
    interface Reservation extends AutoCloseable {
        @Override
        void close();
    }
}
