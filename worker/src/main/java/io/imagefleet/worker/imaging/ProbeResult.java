package io.imagefleet.worker.imaging;

/**
 * What the header of an image says, read before any pixel is decoded.
 *
 * @param format the format found in the bytes (lower case: jpeg, png, gif, ...)
 * @param width  pixels across the first frame
 * @param height pixels down the first frame
 * @param frames frames in the file, or -1 when counting them would mean reading it all
 */
public record ProbeResult(String format, int width, int height, int frames) {
    public long pixels() {
        return (long) width * height;
    }
}
