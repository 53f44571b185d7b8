package io.imagefleet.wire;

import java.util.Optional;

/**
 * A record that is not a valid job. The message names the field path and the rule
 * ({@code outputs[0].quality must be between 1 and 100, got 0}). Where the record still
 * carries a usable id (and reply topic), they are kept so a failed result can be sent.
 */
public final class InvalidJobException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final String replyTo;

    InvalidJobException(String message, String jobId, String replyTo) {
        super(message, null, false, false);
        this.jobId = jobId;
        this.replyTo = replyTo;
    }

    /** The job id, when the record had a valid one. */
    public Optional<String> jobId() {
        return Optional.ofNullable(jobId);
    }

    /** The reply topic, when the record had a valid one. */
    public Optional<String> replyTo() {
        return Optional.ofNullable(replyTo);
    }

    /** The error code every invalid job is answered with. */
    public ErrorCode code() {
        return ErrorCode.INVALID_JOB;
    }
}
