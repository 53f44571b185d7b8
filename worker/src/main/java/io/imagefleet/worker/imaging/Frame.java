package io.imagefleet.worker.imaging;

import java.awt.image.BufferedImage;

/**
 * One frame of an animation as it is shown: the full canvas, composited over what the previous
 * frames left after their disposal, and how long it stays.
 *
 * @param image      ARGB, the canvas size; owned by the frame source and valid until its next frame
 * @param durationMs how long the frame is shown, in milliseconds
 */
record Frame(BufferedImage image, int durationMs) {
}
