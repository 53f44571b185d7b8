package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobFailure;

/**
 * The frames of an animated source, one at a time, so that a long animation never has more than
 * one decoded canvas in memory. Used by one thread; closing it frees the decoder.
 */
interface FrameSource extends AutoCloseable {

    AnimationHeader header();

    /**
     * The next frame, or null after the last.
     *
     * @throws JobFailure DECODE_FAILED, or TIMEOUT
     */
    Frame next() throws JobFailure;

    @Override
    void close();
}
