package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobFailure;

import java.util.Locale;

/**
 * The bound on an AVIF output's pixels ({@code IMAGEFLEET_MAX_AVIF_PIXELS}), scaled by the
 * output's speed. libheif 1.15 has no progress hook and no cancel for encoding (its
 * {@code heif_encoding_options} and encoder plugin API have none), so an AVIF encode, unlike
 * every other encode here, cannot be stopped at the job's deadline: its cost is bounded before
 * any pixel work instead. The setting is the most pixels at the default speed ({@value
 * ImageEncoder#AVIF_SPEED}); a slower speed allows fewer in proportion to its encode cost per
 * pixel, a faster one more. Costs per pixel relative to speed 8, measured with heif-enc 1.15.1
 * and aom 3.6.0, one thread, on 0.5-24 MP photos (docs/imaging.md has the figures); speeds in
 * between measured ones take the geometric mean of their neighbours. Stateless.
 */
public final class AvifCost {
    /** {@code IMAGEFLEET_MAX_AVIF_PIXELS} when it is not set: about 2 s of one core at speed 8 here. */
    public static final long DEFAULT_MAX_PIXELS = 16_000_000L;
    /** The setting, named in every refusal. */
    public static final String KEY = "IMAGEFLEET_MAX_AVIF_PIXELS";
    /** Encode cost per pixel by wire speed (0-10), relative to the default speed 8; 10 is aom's 9. */
    private static final double[] RELATIVE = {300, 173, 100, 55, 30, 13, 6, 3, 1, 0.25, 0.25};

    private AvifCost() {
    }

    /**
     * The most pixels an AVIF output at this speed may have.
     *
     * @param atDefaultSpeed the setting: the most pixels at speed {@value ImageEncoder#AVIF_SPEED}
     * @param speed          the output's speed, 0-10, or null for the default
     */
    public static long maxPixels(long atDefaultSpeed, Integer speed) {
        double scaled = atDefaultSpeed / RELATIVE[speedOf(speed)];
        return scaled >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (long) scaled);
    }

    /**
     * Refuses an AVIF output larger than its speed allows; any other output passes.
     *
     * @param where  the output, as the refusal names it ({@code outputs[0] (thumb)})
     * @param size   the output's size
     * @throws JobFailure IMAGE_TOO_LARGE with the output's size, its speed, the limit at that speed and the setting
     */
    public static void check(OutputSpec out, String where, Geometry.Size size, long atDefaultSpeed) throws JobFailure {
        if (out.format() != Format.AVIF) {
            return;
        }
        long limit = maxPixels(atDefaultSpeed, out.speed());
        if (size.pixels() > limit) {
            throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "%s would be a %s AVIF at speed %d; AVIF outputs at speed %d may have at most %,d pixels "
                            + "(%.1f MP at speed %d, fewer at slower speeds), because an AVIF encode cannot be stopped "
                            + "at the job's deadline (%s)", where, size, speedOf(out.speed()), speedOf(out.speed()),
                    limit, atDefaultSpeed / 1e6, ImageEncoder.AVIF_SPEED, KEY));
        }
    }

    private static int speedOf(Integer speed) {
        return speed == null ? ImageEncoder.AVIF_SPEED : Math.clamp(speed, 0, RELATIVE.length - 1);
    }
}
