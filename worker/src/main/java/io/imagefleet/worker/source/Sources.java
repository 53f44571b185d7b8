package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/** Picks the {@link Source} for a URI's scheme. Immutable and thread-safe. */
public final class Sources {
    private final Map<String, Source> byScheme;

    public Sources(Map<String, Source> byScheme) {
        this.byScheme = Map.copyOf(byScheme);
    }

    public SourceBytes fetch(String source, JobDeadline deadline) throws JobFailure {
        URI uri;
        try {
            uri = new URI(source);
        } catch (URISyntaxException e) {
            throw new JobFailure(ErrorCode.INVALID_JOB, "source is not a URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Source s = byScheme.get(scheme);
        if (s == null) {
            throw new JobFailure(ErrorCode.UNSUPPORTED_SOURCE, "source scheme '" + scheme
                    + "' is not supported; this worker reads " + String.join(", ", byScheme.keySet().stream()
                    .sorted().map(k -> k + "://").toList()));
        }
        return s.fetch(uri, deadline);
    }
}
