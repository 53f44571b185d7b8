package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.net.URI;
import java.util.Map;

/**
 * Sources held in memory, by their exact URI: for jobs the worker makes itself (a spare JVM's
 * warm-up), never in the schemes a job from the queue may name. Each fetch gets a copy of the
 * bytes, as a read from a store would. Immutable and thread-safe (the arrays given are not
 * changed, and must not be changed by the caller).
 */
public final class MemorySource implements Source {
    private final Map<URI, byte[]> sources;

    public MemorySource(Map<URI, byte[]> sources) {
        this.sources = Map.copyOf(sources);
    }

    /** @throws JobFailure SOURCE_NOT_FOUND for a URI it does not hold, TIMEOUT past the deadline */
    @Override
    public SourceBytes fetch(URI uri, JobDeadline deadline) throws JobFailure {
        byte[] bytes = sources.get(uri);
        if (bytes == null) {
            throw new JobFailure(ErrorCode.SOURCE_NOT_FOUND, "source " + uri + " is not held in memory");
        }
        deadline.check("fetching " + uri);
        return new SourceBytes(bytes.clone(), uri.toString());
    }
}
