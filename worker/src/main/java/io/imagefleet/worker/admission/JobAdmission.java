package io.imagefleet.worker.admission;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.pipeline.Admission;
import io.imagefleet.worker.pipeline.OutputLimits;

/**
 * The worker's admission: a job's outputs are checked against the {@link OutputLimits}, then the
 * heap it will hold at its peak (its decode, and each output's operations and encoding, by
 * {@link PeakEstimate}) is reserved from the {@link MemoryBudget}, waiting within the job's
 * deadline. A job that needs more than the whole budget could never be admitted: it is refused
 * IMAGE_TOO_LARGE with the numbers rather than run alone. Thread-safe.
 */
public final class JobAdmission implements Admission {
    private final MemoryBudget budget;
    private final OutputLimits limits;

    public JobAdmission(MemoryBudget budget, OutputLimits limits) {
        this.budget = budget;
        this.limits = limits;
    }

    @Override
    public Reservation admit(Job job, ProbeResult header, int subsampling, JobDeadline deadline)
            throws JobFailure, InterruptedException {
        Geometry.Size upright = new Geometry.Size(header.orientedWidth(job.autoOrient()), header.orientedHeight(job.autoOrient()));
        limits.check(job, header);
        long need = PeakEstimate.bytes(header, upright, subsampling, job.outputs());
        if (need > budget.capacity()) {
            throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, "the job needs about " + PeakEstimate.format(need)
                    + " of heap at its peak (a " + upright + " " + header.format() + " source"
                    + (subsampling > 1 ? " decoded at 1/" + subsampling : "") + ", its " + job.outputs().size()
                    + " outputs made one at a time), more than the " + PeakEstimate.format(budget.capacity())
                    + " a worker JVM admits at once (IMAGEFLEET_MEMORY_BUDGET of its heap); it could never run here."
                    + " Ask for smaller outputs or give the workers more heap");
        }
        return budget.reserve(need, deadline);
    }

    @Override
    public Reservation holdSource(long bytes) {
        return budget.hold(bytes);
    }
}
