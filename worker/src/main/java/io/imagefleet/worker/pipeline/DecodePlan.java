package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;

import java.util.List;

/**
 * Chooses the source subsampling (shrink-on-load) for a job: the largest factor that still
 * leaves the decoded image at least {@value #QUALITY_MARGIN} times the size of every output in
 * both directions. Sizes are those of the upright image (after the EXIF orientation). An output
 * is planned through its leading rotations, flips and grey conversion to its first resize; an
 * output with no resize, or with a crop, blur or sharpen before it, needs every source pixel.
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
        int factor = Integer.MAX_VALUE;
        for (OutputSpec out : outputs) {
            int w = width;
            int h = height;
            Op.Resize resize = null;
            for (Op op : out.ops()) {
                if (op instanceof Op.Resize r) {
                    resize = r;
                    break;
                }
                if (op instanceof Op.Rotate rot && rot.degrees() != 180) {
                    int t = w;
                    w = h;
                    h = t;
                } else if (!(op instanceof Op.Rotate || op instanceof Op.Flip || op instanceof Op.Grayscale)) {
                    return 1;
                }
            }
            if (resize == null) {
                return 1;
            }
            Geometry.Size s = Geometry.scaledSize(w, h, resize);
            int fx = w / (QUALITY_MARGIN * s.width());
            int fy = h / (QUALITY_MARGIN * s.height());
            factor = Math.min(factor, Math.min(fx, fy));
        }
        return Math.max(1, factor);
    }
}
