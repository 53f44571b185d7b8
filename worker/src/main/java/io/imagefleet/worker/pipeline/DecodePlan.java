package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.OpTable;
import io.imagefleet.worker.kernel.JobFailure;

import java.util.List;

/**
 * Chooses the source subsampling (shrink-on-load) for a job: the largest factor that still
 * leaves the decoded image at least {@value #QUALITY_MARGIN} times the size of every output in
 * both directions. Sizes are those of the upright image (after the EXIF orientation). An output
 * is planned through its leading size-free operations to its first resize, by each operation's
 * {@link OpTable.Shrink} rule; an output with no resize, or with an operation that needs every
 * source pixel (a crop, a blur) before it, decodes every pixel.
 * Stateless.
 */
public final class DecodePlan {
    /** How many times larger than an output the decoded image must stay, for quality. */
    static final int QUALITY_MARGIN = 2;

    private DecodePlan() {
    }

    /**
     * The subsampling factor (1 decodes every pixel).
     *
     * @param width  the upright source width
     * @param height the upright source height
     */
    public static int subsampling(int width, int height, List<OutputSpec> outputs) {
        long factor = Integer.MAX_VALUE;
        for (OutputSpec out : outputs) {
            Geometry.Size size = new Geometry.Size(width, height);
            Op.Resize resize = null;
            for (int i = 0; i < out.ops().size() && resize == null; i++) {
                Op op = out.ops().get(i);
                OpTable.Entry<?> entry = OpTable.of(op);
                switch (entry.shrink()) {
                    case DECIDES -> resize = (Op.Resize) op;
                    case PASSES -> size = sizeOf(entry, size, op, i);
                    case BLOCKS -> {
                        return 1;
                    }
                }
            }
            if (resize == null) {
                return 1;
            }
            Geometry.Size s = Geometry.scaledSize(size.width(), size.height(), resize);
            long fx = size.width() / (QUALITY_MARGIN * (long) s.width());
            long fy = size.height() / (QUALITY_MARGIN * (long) s.height());
            factor = Math.min(factor, Math.min(fx, fy));
        }
        return (int) Math.max(1, factor);
    }

    private static Geometry.Size sizeOf(OpTable.Entry<?> entry, Geometry.Size in, Op op, int index) {
        try {
            return entry.size(in, op, index);
        } catch (JobFailure e) {
            throw new IllegalStateException("a size-free operation cannot fail to fit: " + op, e);
        }
    }
}
