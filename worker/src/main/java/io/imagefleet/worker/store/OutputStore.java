package io.imagefleet.worker.store;

import io.imagefleet.worker.pipeline.JobDeadline;
import io.imagefleet.worker.pipeline.JobFailure;

import java.net.URI;

/** Stores encoded outputs under a target directory URI of one scheme. Implementations are thread-safe. */
public interface OutputStore {
    /**
     * Writes the bytes as {@code fileName} under the target, atomically: readers see the whole
     * object or nothing, and writing the same name again replaces it.
     *
     * @return the URI of the stored object
     * @throws JobFailure OUTPUT_FORBIDDEN, OUTPUT_FAILED or TIMEOUT
     */
    URI store(URI target, String fileName, byte[] bytes, JobDeadline deadline) throws JobFailure;
}
