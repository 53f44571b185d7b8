package io.imagefleet.worker.source;

import io.imagefleet.worker.pipeline.JobFailure;

import java.net.URI;

/** Reads the bytes of a source URI of one scheme. Implementations are thread-safe. */
public interface Source {
    /**
     * Reads the whole source, never more than the configured byte cap.
     *
     * @throws JobFailure SOURCE_FORBIDDEN, SOURCE_NOT_FOUND, SOURCE_TOO_LARGE or SOURCE_UNAVAILABLE
     */
    SourceBytes fetch(URI uri) throws JobFailure;
}
