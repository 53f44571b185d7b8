package io.imagefleet.wire;

/** Kafka record header names of the contract. */
public final class Headers {
    private Headers() {
    }

    /** Set by producers on a job; echoed on its result. */
    public static final String CORRELATION_ID = "imagefleet-correlation-id";
    /** W3C trace context; propagated from the job to its result. */
    public static final String TRACEPARENT = "traceparent";

    /** Dead letters: the error code. */
    public static final String ERROR_CODE = "imagefleet-error-code";
    /** Dead letters: the error message. */
    public static final String ERROR_MESSAGE = "imagefleet-error-message";
    /** Dead letters: the topic the record was read from. */
    public static final String ORIGINAL_TOPIC = "imagefleet-original-topic";
    /** Dead letters: the partition the record was read from. */
    public static final String ORIGINAL_PARTITION = "imagefleet-original-partition";
    /** Dead letters: the offset the record was read at. */
    public static final String ORIGINAL_OFFSET = "imagefleet-original-offset";
    /** Dead letters: how many times the job was tried. */
    public static final String ATTEMPTS = "imagefleet-attempts";
    /** Dead letters: when it was dead-lettered, ISO-8601 UTC. */
    public static final String FAILED_AT = "imagefleet-failed-at";
    /** Dead letters whose value was cut to fit the topic: the original value's size in bytes. */
    public static final String ORIGINAL_SIZE = "imagefleet-original-size";
    /** Dead letters whose value was cut to fit the topic: the original value's SHA-256, hex. */
    public static final String ORIGINAL_SHA256 = "imagefleet-original-sha256";
}
