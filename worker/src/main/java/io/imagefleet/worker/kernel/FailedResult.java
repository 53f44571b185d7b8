package io.imagefleet.worker.kernel;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;

import java.util.List;

/**
 * Makes the failed result of a job: the one answer a job that could not be processed gets, from
 * the pipeline (a stage failed) or from the consumer loop (a record that crashed workers, a job
 * answered without work). Stateless.
 */
public final class FailedResult {
    private FailedResult() {
    }

    /**
     * A failed result with no outputs.
     *
     * @param source  what is known of the source, or null
     * @param timings the stage timings so far, or null when the job was not run
     */
    public static Result of(Job job, JobContext context, Result.SourceInfo source, Result.Timings timings,
                            ErrorCode code, String message) {
        return new Result(Job.VERSION, job.id(), Status.FAILED, List.of(), source, timings, context.workerInfo(),
                Result.ErrorInfo.of(code, message), job.metadata());
    }

    /**
     * A failed result that lists the outputs already written before the failure: they stay where
     * they are (a re-run overwrites them, as output names are deterministic), and the result says so.
     */
    public static Result withWritten(Job job, JobContext context, Result.SourceInfo source, Result.Timings timings,
                                     ErrorCode code, String message, List<Result.OutputResult> written) {
        if (written.isEmpty()) {
            return of(job, context, source, timings, code, message);
        }
        return new Result(Job.VERSION, job.id(), Status.FAILED, written, source, timings, context.workerInfo(),
                Result.ErrorInfo.of(code, message + " (" + written.size() + " of the job's "
                + job.outputs().size() + " outputs were written before this and are listed)"), job.metadata());
    }
}
