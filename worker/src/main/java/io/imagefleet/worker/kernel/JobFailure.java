package io.imagefleet.worker.kernel;

import io.imagefleet.wire.ErrorCode;

/**
 * A job that cannot be completed, classified by the code that knows the cause. The message is
 * for people and carries the numbers that matter ("source is 24000x24000 (576.0 MP); the limit
 * is 50.0 MP"). Whether it is retried follows from the code.
 */
public final class JobFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public JobFailure(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public JobFailure(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean retryable() {
        return code.retryable();
    }
}
