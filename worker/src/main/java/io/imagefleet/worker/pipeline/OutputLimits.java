package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Animator;
import io.imagefleet.worker.imaging.AvifCost;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.OpTable;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobFailure;

import java.util.function.ToIntFunction;

/**
 * What a job may ask to make ({@code IMAGEFLEET_MAX_OUTPUT_PIXELS}), checked from the source's
 * header before any pixel work: every image an output's operations make on the way (an upscale
 * later cropped back still allocates its full size) and every output at most the limit, and a
 * job's outputs together at most the limit too. A crop that lies outside its image is refused
 * here as well. An animated output ({@code "animation": "keep"}) counts every frame: its frame size
 * times the source's frame count is held to the limit, per output and per job, and each image its
 * operations make on the way (one frame at a time) to the per-image limit. An AVIF output is held to its speed's limit too ({@code IMAGEFLEET_MAX_AVIF_PIXELS},
 * by {@link AvifCost}), since its encode cannot be stopped at the deadline. Sizes are computed by
 * {@link OpTable} without overflow. Immutable; thread-safe.
 */
public final class OutputLimits {
    /** The setting that sets the limit, named in every refusal. */
    public static final String KEY = "IMAGEFLEET_MAX_OUTPUT_PIXELS";

    private final long maxPixels;
    private final long maxAvifPixels;

    /** The same, with AVIF outputs held to {@link AvifCost#DEFAULT_MAX_PIXELS} at the default speed. */
    public OutputLimits(long maxPixels) {
        this(maxPixels, AvifCost.DEFAULT_MAX_PIXELS);
    }

    /**
     * @param maxPixels     the most pixels one output (and every image on its way) and one job's outputs together may have
     * @param maxAvifPixels the most pixels of an AVIF output at the default speed ({@code IMAGEFLEET_MAX_AVIF_PIXELS})
     */
    public OutputLimits(long maxPixels, long maxAvifPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException(KEY + " must be positive, got " + maxPixels);
        }
        if (maxAvifPixels <= 0) {
            throw new IllegalArgumentException(AvifCost.KEY + " must be positive, got " + maxAvifPixels);
        }
        this.maxPixels = maxPixels;
        this.maxAvifPixels = maxAvifPixels;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Checks every output of the job against the limit, a still source.
     *
     * @param upright the source's size after its EXIF orientation (when the job applies it)
     * @throws JobFailure IMAGE_TOO_LARGE with the sizes and the limit (an AVIF output: with its speed too);
     *                    PROCESS_FAILED for a crop outside its image
     */
    public void check(Job job, Geometry.Size upright) throws JobFailure {
        check(job, upright, out -> 1);
    }

    /**
     * Checks every output of the job against the limit, an output that keeps the animation of an
     * animated source with all of its frames ({@link Animator#framesOf}).
     *
     * @param header the source's header: its format and frame count
     * @throws JobFailure IMAGE_TOO_LARGE with the sizes, the frames and the limit (an AVIF output: with its speed
     *                    too); PROCESS_FAILED for a crop outside its image
     */
    public void check(Job job, ProbeResult header) throws JobFailure {
        check(job, new Geometry.Size(header.orientedWidth(job.autoOrient()), header.orientedHeight(job.autoOrient())),
                out -> Animator.framesOf(out, header));
    }

    private void check(Job job, Geometry.Size upright, ToIntFunction<OutputSpec> framesOf) throws JobFailure {
        long total = 0;
        for (int o = 0; o < job.outputs().size(); o++) {
            OutputSpec out = job.outputs().get(o);
            int frames = framesOf.applyAsInt(out);
            String where = "outputs[" + o + "] (" + out.name() + ")";
            Geometry.Size size = upright;
            for (int i = 0; i < out.ops().size(); i++) {
                Op op = out.ops().get(i);
                OpTable.Entry<?> entry = OpTable.of(op);
                try {
                    size = entry.size(size, op, i);
                } catch (JobFailure f) {
                    throw new JobFailure(f.code(), where + ": " + f.getMessage());
                }
                if (size.pixels() > maxPixels) {
                    throw tooLarge(where + ": ops[" + i + "] (" + entry.name() + ") would make a " + size
                            + " image; the limit is " + Geometry.megapixels(maxPixels) + " per image");
                }
            }
            if (size.pixels() > maxPixels) {
                throw tooLarge(where + " would be " + size + ", as large as the source; the limit is "
                        + Geometry.megapixels(maxPixels) + " per image");
            }
            AvifCost.check(out, where, size, maxAvifPixels);
            long pixels = overFrames(size, frames);
            if (pixels > maxPixels) {
                throw tooLarge(where + " would be " + frames + " frames of " + size + ", " + Geometry.megapixels(pixels)
                        + " over all frames; the limit is " + Geometry.megapixels(maxPixels) + " per output");
            }
            total = plus(total, pixels);
        }
        if (total > maxPixels) {
            throw tooLarge("the job's " + job.outputs().size() + " outputs would be " + Geometry.megapixels(total)
                    + " together; the limit is " + Geometry.megapixels(maxPixels) + " per job");
        }
    }

    private static long overFrames(Geometry.Size size, int frames) {
        return size.pixels() > Long.MAX_VALUE / frames ? Long.MAX_VALUE : size.pixels() * frames;
    }

    private static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static JobFailure tooLarge(String message) {
        return new JobFailure(ErrorCode.IMAGE_TOO_LARGE, message + " (" + KEY + ")");
    }
}
