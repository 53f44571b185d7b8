package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Result;

/**
 * Who runs a job and what it waited: the worker id ({@code host/slot-N}), the attempt number,
 * and the milliseconds between the record's timestamp and the start of work.
 */
public record JobContext(String workerId, int attempt, long queuedMs) {
    public Result.WorkerInfo workerInfo() {
        return new Result.WorkerInfo(workerId, attempt);
    }
}
