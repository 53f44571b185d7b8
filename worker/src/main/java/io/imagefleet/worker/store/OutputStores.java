package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.pipeline.JobDeadline;
import io.imagefleet.worker.pipeline.JobFailure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/** Picks the {@link OutputStore} for a target URI's scheme. Immutable and thread-safe. */
public final class OutputStores {
    private final Map<String, OutputStore> byScheme;

    public OutputStores(Map<String, OutputStore> byScheme) {
        this.byScheme = Map.copyOf(byScheme);
    }

    public URI store(String target, String fileName, byte[] bytes, JobDeadline deadline) throws JobFailure {
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            throw new JobFailure(ErrorCode.INVALID_JOB, "target is not a URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        OutputStore store = byScheme.get(scheme);
        if (store == null) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "target scheme '" + scheme + "' is not supported; this worker writes "
                    + String.join(", ", byScheme.keySet().stream().sorted().map(k -> k + "://").toList()));
        }
        return store.store(uri, fileName, bytes, deadline);
    }
}
