package io.imagefleet.worker.source;

import io.imagefleet.config.ByteSize;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Reads {@code s3://bucket/key} sources from the configured {@link S3Endpoint} with GetObject.
 * A bucket outside {@code IMAGEFLEET_S3_BUCKETS} is SOURCE_FORBIDDEN before any request. The
 * byte cap holds while streaming whatever Content-Length says (an object declared larger is
 * refused before its body is read; one that sends more is cut off at the cap), and a body
 * shorter than declared is SOURCE_UNAVAILABLE (retryable). While the store is down for every
 * job the read waits on the store's breaker (bounded by the job's deadline). Thread-safe.
 *
 * <p>Answers: NoSuchKey, NoSuchBucket and other 4xx are SOURCE_NOT_FOUND; 401 and 403
 * SOURCE_FORBIDDEN; 5xx, throttling, network errors and timeouts SOURCE_UNAVAILABLE.
 */
public final class S3Source implements Source {
    private static final int CHUNK = 64 * 1024;

    private final S3Endpoint endpoint;
    private final long maxBytes;

    public S3Source(S3Endpoint endpoint, long maxBytes) {
        this.endpoint = endpoint;
        this.maxBytes = maxBytes;
    }

    @Override
    public SourceBytes fetch(URI uri, JobDeadline deadline) throws JobFailure {
        S3Location location = S3Location.parse(uri, "source", ErrorCode.INVALID_JOB);
        if (location.key().isEmpty()) {
            throw new JobFailure(ErrorCode.INVALID_JOB, "source " + uri + " names a bucket but no object key");
        }
        endpoint.checkAllowed(location, "source", ErrorCode.SOURCE_FORBIDDEN);
        String what = "source " + location;
        try {
            byte[] bytes = endpoint.call(deadline, timeout -> read(location, timeout, deadline));
            return new SourceBytes(bytes, location.toString());
        } catch (SdkException | IOException | S3Endpoint.Unavailable e) {
            throw S3Endpoint.failure(e, what, deadline, S3Endpoint.Codes.SOURCE);
        }
    }

    private byte[] read(S3Location location, Duration timeout, JobDeadline deadline) throws IOException, JobFailure {
        GetObjectRequest request = GetObjectRequest.builder().bucket(location.bucket()).key(location.key())
                .overrideConfiguration(c -> c.apiCallTimeout(timeout)).build();
        ResponseInputStream<GetObjectResponse> in = endpoint.client().getObject(request);
        boolean complete = false;
        try (JobDeadline.Registration abort = deadline.onExpiry(in::abort)) {
            Long declared = in.response().contentLength();
            if (declared != null && declared > maxBytes) {
                throw tooLarge(location, "declares " + ByteSize.format(declared));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(declared != null && declared > 0
                    ? declared : CHUNK, maxBytes));
            byte[] buf = new byte[CHUNK];
            long total = 0;
            while (true) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, maxBytes + 1 - total));
                if (n < 0) {
                    break;
                }
                total += n;
                if (total > maxBytes) {
                    throw tooLarge(location, "sent more than " + ByteSize.format(maxBytes));
                }
                out.write(buf, 0, n);
            }
            deadline.check("fetching " + location);
            if (declared != null && total != declared) {
                throw new IOException("the body ended after " + total + " of the " + declared + " bytes declared");
            }
            complete = true;
            return out.toByteArray();
        } finally {
            if (!complete) {
                in.abort(); // closing would read the rest of the body first
            }
            in.close();
        }
    }

    private JobFailure tooLarge(S3Location location, String what) {
        return new JobFailure(ErrorCode.SOURCE_TOO_LARGE, "source " + location + " " + what
                + "; the limit is " + ByteSize.format(maxBytes) + " (IMAGEFLEET_MAX_SOURCE_BYTES)");
    }
}
