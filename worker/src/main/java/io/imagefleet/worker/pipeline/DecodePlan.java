package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;

import java.util.List;

/**
 * Chooses the source subsampling (shrink-on-load) for a job: the largest factor that still
 * leaves the decoded image at least twice the size of every output in both directions. An
 * output whose first operation is not a resize needs every source pixel. Stateless.
 */
public final class DecodePlan {
    /** How many times larger than an output the decoded image must stay, for quality. */
    static final int QUALITY_MARGIN = 2;

    private DecodePlan() {
    }

    public static int subsampling(int width, int height, List<OutputSpec> outputs) {
        int factor = Integer.MAX_VALUE;
        for (OutputSpec out : outputs) {
            if (out.ops().isEmpty() || !(out.ops().get(0) instanceof Op.Resize r)) {
                return 1;
            }
            Geometry.Size s = Geometry.scaledSize(width, height, r);
            int fx = width / (QUALITY_MARGIN * s.width());
            int fy = height / (QUALITY_MARGIN * s.height());
            factor = Math.min(factor, Math.min(fx, fy));
        }
        return Math.max(1, factor);
    }
}
