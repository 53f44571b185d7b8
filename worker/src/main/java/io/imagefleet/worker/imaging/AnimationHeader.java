package io.imagefleet.worker.imaging;

/**
 * What an animated source's header says, read without decoding a frame.
 *
 * @param format       gif or webp
 * @param canvasWidth  the canvas every frame is drawn on (GIF: the logical screen)
 * @param canvasHeight the same, down
 * @param frames       how many frames the file holds
 * @param loopCount    how many times the animation plays, 0 for ever
 */
record AnimationHeader(String format, int canvasWidth, int canvasHeight, int frames, int loopCount) {

    /** Pixels decoded over all frames: each frame is a full canvas. */
    long pixelsOverAllFrames() {
        return (long) canvasWidth * canvasHeight * frames;
    }
}
