package io.imagefleet.worker.kernel;

import io.imagefleet.wire.Result;
import io.imagefleet.worker.version.WorkerVersion;

/**
 * Who runs a job and what it waited: the worker id ({@code host/slot-N}), the attempt number,
 * and the milliseconds between the record's timestamp and the start of work. The result names
 * the worker's version too.
 */
public record JobContext(String workerId, int attempt, long queuedMs) {
    public Result.WorkerInfo workerInfo() {
        return new Result.WorkerInfo(workerId, attempt, WorkerVersion.current());
    }
}
