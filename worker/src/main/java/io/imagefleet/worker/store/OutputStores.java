package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the {@link OutputStore} for an output: by the scheme of its exact {@code uri} when it has
 * one (written to as given), else of its {@code target} prefix. Immutable and thread-safe.
 */
public final class OutputStores {
    private final Map<String, OutputStore> byScheme;

    public OutputStores(Map<String, OutputStore> byScheme) {
        this.byScheme = Map.copyOf(byScheme);
    }

    /**
     * Stores that drop every output written under a {@code scheme:} target (and refuse every other
     * scheme), answering the URI it would have had: for jobs whose outputs nobody reads (a spare
     * JVM's warm-up), never for a job from the queue.
     */
    public static OutputStores discarding(String scheme) {
        return new OutputStores(Map.of(scheme, new DiscardingStore()));
    }

    /** Stores one output where its spec says: exactly at {@code uri}, or under {@code target}. */
    public URI store(OutputSpec spec, StoredOutput output, JobDeadline deadline) throws JobFailure {
        if (spec.uri() != null) {
            URI uri = parse(spec.uri(), "uri");
            return storeFor(uri).storeExact(uri, output, deadline);
        }
        if (spec.target() == null) {
            throw new JobFailure(ErrorCode.INVALID_JOB, "output " + spec.name() + " has neither a target nor a uri");
        }
        return store(spec.target(), output, deadline);
    }

    /** Stores one output under a target prefix. */
    public URI store(String target, StoredOutput output, JobDeadline deadline) throws JobFailure {
        URI uri = parse(target, "target");
        return storeFor(uri).store(uri, output, deadline);
    }

    private static URI parse(String s, String what) throws JobFailure {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new JobFailure(ErrorCode.INVALID_JOB, what + " is not a URI: " + e.getMessage());
        }
    }

    private OutputStore storeFor(URI uri) throws JobFailure {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        OutputStore store = byScheme.get(scheme);
        if (store == null) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "output scheme '" + scheme + "' is not supported; this worker writes "
                    + String.join(", ", byScheme.keySet().stream().sorted().map(k -> k + "://").toList()));
        }
        return store;
    }
}
