package io.imagefleet.worker.consume;

import io.imagefleet.wire.Job;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.pipeline.Pipeline;
import io.imagefleet.worker.pipeline.StagedJob;

/**
 * Turns a job into its final result: in one call on a CPU thread ({@link #process}), or stage by
 * stage ({@link #begin}), network I/O on I/O threads and pixel work on CPU threads. Called on
 * several threads, so implementations are thread-safe.
 */
@FunctionalInterface
public interface JobHandler {
    /** Never throws for a bad job: failures are failed results. */
    Result process(Job job, JobContext context);

    /**
     * Begins an attempt to be run stage by stage; called on the poll thread, so it must be quick.
     * By default the whole of {@link #process} is one CPU step.
     */
    default StagedJob begin(Job job, JobContext context) {
        return StagedJob.whole(() -> process(job, context));
    }

    /** The pipeline's stages: fetch and store on I/O threads, the pixel work between them on a CPU thread. */
    static JobHandler of(Pipeline pipeline) {
        return new JobHandler() {
            @Override
            public Result process(Job job, JobContext context) {
                return pipeline.process(job, context);
            }

            @Override
            public StagedJob begin(Job job, JobContext context) {
                return pipeline.begin(job, context);
            }
        };
    }
}
