package io.imagefleet.worker.source;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.net.URI;

/** Reads the bytes of a source URI of one scheme. Implementations are thread-safe. */
public interface Source {
    /**
     * Reads the whole source, never more than the configured byte cap, within the job's deadline.
     *
     * @throws JobFailure SOURCE_FORBIDDEN, SOURCE_NOT_FOUND, SOURCE_TOO_LARGE, SOURCE_UNAVAILABLE or TIMEOUT
     */
    SourceBytes fetch(URI uri, JobDeadline deadline) throws JobFailure;
}
