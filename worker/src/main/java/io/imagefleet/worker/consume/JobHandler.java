package io.imagefleet.worker.consume;

import io.imagefleet.wire.Job;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.kernel.JobContext;

/** Turns a job into its final result; called on pool threads, so implementations are thread-safe. */
@FunctionalInterface
public interface JobHandler {
    /** Never throws for a bad job: failures are failed results. */
    Result process(Job job, JobContext context);
}
