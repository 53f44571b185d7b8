package io.imagefleet.worker.config;

import io.imagefleet.config.Env;

/**
 * What one job may ask the worker to make. Immutable.
 *
 * @param maxOutputPixels {@code IMAGEFLEET_MAX_OUTPUT_PIXELS}: the most pixels of one output, of every image
 *                        an output's operations make on the way, and of a job's outputs together; by default
 *                        the source limit ({@code IMAGEFLEET_MAX_PIXELS})
 */
public record JobLimits(long maxOutputPixels) {
    /** The largest image any limit may allow: 65,500 pixels a side. */
    static final long MAX_IMAGE_PIXELS = 65_500L * 65_500L;

    static JobLimits fromEnv(Env env, long maxSourcePixels) {
        return new JobLimits(env.longBetween("IMAGEFLEET_MAX_OUTPUT_PIXELS", maxSourcePixels, 1, MAX_IMAGE_PIXELS));
    }
}
