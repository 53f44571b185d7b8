package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobFailure;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * A bucket and a key (or key prefix) named by an {@code s3://bucket/key} URI. The key is the
 * URI's decoded path without its leading slash, so {@code s3://photos/in/a%20b.jpg} is the key
 * {@code in/a b.jpg}. Immutable.
 */
public record S3Location(String bucket, String key) {
    /** S3's bucket rules (3-63 of a-z, 0-9, '.' and '-'): a name that can only ever address a bucket of the endpoint. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final int MAX_KEY_BYTES = 1024;

    /**
     * Parses an {@code s3://} URI.
     *
     * @param code the failure code for a malformed URI (INVALID_JOB for sources, OUTPUT_FORBIDDEN for targets)
     */
    public static S3Location parse(URI uri, String what, ErrorCode code) throws JobFailure {
        String bucket = uri.getRawAuthority();
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new JobFailure(code, what + " " + uri + " does not name a bucket (3-63 of a-z, 0-9, '.' and '-')");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new JobFailure(code, what + " " + uri + " must not have a query or fragment");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String key = path.startsWith("/") ? path.substring(1) : path;
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new JobFailure(code, what + " " + uri + " has a key longer than " + MAX_KEY_BYTES + " bytes");
        }
        return new S3Location(bucket, key);
    }

    /** This location with {@code name} appended under it as under a directory. */
    public S3Location child(String name) {
        return new S3Location(bucket, key.isEmpty() || key.endsWith("/") ? key + name : key + "/" + name);
    }

    /** The {@code s3://} URI, the key's characters quoted where a URI needs it. */
    public URI uri() {
        try {
            return new URI("s3", bucket, "/" + key, null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("bucket and key were checked: " + this, e);
        }
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
