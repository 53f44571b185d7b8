package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.source.S3Endpoint;
import io.imagefleet.worker.source.S3Location;

import java.net.URI;

/**
 * Writes outputs to the configured {@link S3Endpoint} with PutObject: under an
 * {@code s3://bucket/prefix/} target as {@code <prefix><id>-<name>.<ext>} (deterministic, so a
 * rerun overwrites the same key), or at an exact {@code s3://bucket/key} uri. Each object gets
 * its Content-Type, {@code IMAGEFLEET_S3_CACHE_CONTROL} when set, and the job id as user
 * metadata ({@code x-amz-meta-job-id}); a PUT replaces the whole object at once. A bucket outside
 * {@code IMAGEFLEET_S3_BUCKETS} is OUTPUT_FORBIDDEN before any request. While the store is down
 * for every job the write waits on the store's breaker (bounded by the job's deadline).
 * Thread-safe.
 *
 * <p>Answers: 4xx (NoSuchBucket, AccessDenied...) are OUTPUT_FORBIDDEN; 5xx, throttling,
 * network errors and timeouts OUTPUT_FAILED (retryable).
 */
public final class S3Store implements OutputStore {
    private final S3Endpoint endpoint;

    public S3Store(S3Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public URI store(URI target, StoredOutput output, JobDeadline deadline) throws JobFailure {
        S3Location prefix = S3Location.parse(target, "target", ErrorCode.OUTPUT_FORBIDDEN);
        return put(prefix.child(output.fileName()), output, deadline);
    }

    @Override
    public URI storeExact(URI uri, StoredOutput output, JobDeadline deadline) throws JobFailure {
        S3Location location = S3Location.parse(uri, "uri", ErrorCode.OUTPUT_FORBIDDEN);
        if (location.key().isEmpty() || location.key().endsWith("/")) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "output " + output.fileName() + ": uri " + uri
                    + " names no object (an exact uri ends with the object's key; a prefix is a target)");
        }
        return put(location, output, deadline);
    }

    private URI put(S3Location location, StoredOutput output, JobDeadline deadline) throws JobFailure {
        endpoint.put(location, output.bytes(), output.contentType(), output.jobId(), deadline);
        return location.uri();
    }
}
