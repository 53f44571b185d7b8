package io.imagefleet.worker.config;

import io.imagefleet.config.Env;

/**
 * What one job may ask the worker to make. Immutable.
 *
 * @param maxOutputPixels {@code IMAGEFLEET_MAX_OUTPUT_PIXELS}: the most pixels of one output, of every image
 *                        an output's operations make on the way, and of a job's outputs together; by default
 *                        the source limit ({@code IMAGEFLEET_MAX_PIXELS})
 * @param maxFrames       {@code IMAGEFLEET_MAX_FRAMES}: the most frames of an animated source whose animation an
 *                        output keeps ({@code "animation": "keep"})
 * @param maxAvifPixels   {@code IMAGEFLEET_MAX_AVIF_PIXELS}: the most pixels of an AVIF output at the default speed
 *                        (8); slower speeds allow fewer, in proportion to their encode cost
 */
public record JobLimits(long maxOutputPixels, int maxFrames, long maxAvifPixels) {
    /** {@code IMAGEFLEET_MAX_FRAMES} when it is not set. */
    public static final int DEFAULT_MAX_FRAMES = 500;

    /** {@code IMAGEFLEET_MAX_AVIF_PIXELS} when it is not set (the worker's {@code AvifCost} explains it). */
    public static final long DEFAULT_MAX_AVIF_PIXELS = 16_000_000L;

    /** The largest image any limit may allow: 65,500 pixels a side. */
    static final long MAX_IMAGE_PIXELS = 65_500L * 65_500L;

    static JobLimits fromEnv(Env env, long maxSourcePixels) {
        return new JobLimits(env.longBetween("IMAGEFLEET_MAX_OUTPUT_PIXELS", maxSourcePixels, 1, MAX_IMAGE_PIXELS),
                env.intBetween("IMAGEFLEET_MAX_FRAMES", DEFAULT_MAX_FRAMES, 1, 100_000),
                env.longBetween("IMAGEFLEET_MAX_AVIF_PIXELS", DEFAULT_MAX_AVIF_PIXELS, 1, MAX_IMAGE_PIXELS));
    }
}
