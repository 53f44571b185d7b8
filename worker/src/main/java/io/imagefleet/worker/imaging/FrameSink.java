package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobFailure;

import java.awt.image.BufferedImage;

/**
 * An animated output being encoded, one frame at a time (each frame is encoded as it is added,
 * so a long animation never has more than one processed frame in memory). Used by one thread;
 * closing it frees the encoder.
 */
interface FrameSink extends AutoCloseable {

    /**
     * Adds a frame, all of the same size, shown for {@code durationMs}.
     *
     * @throws JobFailure ENCODE_FAILED, or TIMEOUT
     */
    void add(BufferedImage frame, int durationMs) throws JobFailure;

    /** The encoded animation, once every frame has been added. */
    byte[] finish() throws JobFailure;

    @Override
    void close();
}
