package io.imagefleet.wire;

/**
 * Why a job failed: the {@code error.code} of a failed {@link Result} and the
 * {@code imagefleet-error-code} header of a dead letter. Immutable; safe to share.
 */
public enum ErrorCode {
    /** The record is not a valid job: bad JSON, a missing field, a value out of range. */
    INVALID_JOB(false),
    /** The source URI has a scheme the worker does not read. */
    UNSUPPORTED_SOURCE(false),
    /** The source lies outside the allowed roots or resolves to a forbidden address. */
    SOURCE_FORBIDDEN(false),
    /** The source does not exist (a missing file, HTTP 404). */
    SOURCE_NOT_FOUND(false),
    /** The source could not be read right now (HTTP 5xx, a timeout, a reset connection). */
    SOURCE_UNAVAILABLE(true),
    /** The source has more bytes than the configured cap. */
    SOURCE_TOO_LARGE(false),
    /** The image has more pixels, or a longer side, than the configured limit. */
    IMAGE_TOO_LARGE(false),
    /** The bytes are not an image, or not one in a format the worker reads. */
    UNSUPPORTED_FORMAT(false),
    /** The image is corrupt or truncated. */
    DECODE_FAILED(false),
    /** An operation could not be applied (a crop outside the image, say). */
    PROCESS_FAILED(false),
    /** The output could not be encoded in the requested format. */
    ENCODE_FAILED(false),
    /** The output could not be stored right now (disk full, an HTTP 5xx from the store). */
    OUTPUT_FAILED(true),
    /** The output target lies outside the allowed roots or hosts. */
    OUTPUT_FORBIDDEN(false),
    /** The job ran past its deadline. */
    TIMEOUT(false),
    /** The job was taken after its {@code expiresAt}; nothing was done. */
    EXPIRED(false),
    /**
     * The job's reply topic cannot take its result (an invalid or missing topic, no authorisation,
     * a result too large); the result is answered on the default results topic instead.
     */
    REPLY_FAILED(false),
    /** The job was in flight in worker JVMs that died, too many times to try again. */
    WORKER_CRASHED(false),
    /** A fault in the worker itself; the message says what. */
    INTERNAL(false);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether trying the same job again later may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
