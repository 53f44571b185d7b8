package io.imagefleet.worker.imaging;

/**
 * What the header of an image says, read before any pixel is decoded.
 *
 * @param format      the format found in the bytes (lower case: jpeg, png, gif, ...)
 * @param width       pixels across the first frame, as stored
 * @param height      pixels down the first frame, as stored
 * @param frames      frames in the file, or -1 when counting them would mean reading it all
 * @param orientation the EXIF orientation, 1-8 (1 when the file has none)
 */
public record ProbeResult(String format, int width, int height, int frames, int orientation) {

    /** A header with no EXIF orientation. */
    public ProbeResult(String format, int width, int height, int frames) {
        this(format, width, height, frames, Orientation.NORMAL);
    }

    public long pixels() {
        return (long) width * height;
    }

    /** The width as seen once the orientation is applied (when {@code autoOrient}). */
    public int orientedWidth(boolean autoOrient) {
        return autoOrient && Orientation.transposes(orientation) ? height : width;
    }

    /** The height as seen once the orientation is applied (when {@code autoOrient}). */
    public int orientedHeight(boolean autoOrient) {
        return autoOrient && Orientation.transposes(orientation) ? width : height;
    }
}
