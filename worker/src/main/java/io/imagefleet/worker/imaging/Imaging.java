package io.imagefleet.worker.imaging;

/**
 * The image stages of the pipeline, built together in {@code main}: probe, decode, operations,
 * encode. Immutable; each part is thread-safe.
 */
public record Imaging(ImageProbe probe, ImageDecoder decoder, ImageOps ops, ImageEncoder encoder) {

    /** The ImageIO + TwelveMonkeys stages with the given pixel limit. */
    public static Imaging imageIo(long maxPixels) {
        return of(maxPixels, NativeCodecs.none());
    }

    /** The stages using whatever native codecs were loaded, ImageIO + TwelveMonkeys for the rest. */
    public static Imaging of(long maxPixels, NativeCodecs natives) {
        return new Imaging(new ImageProbe(maxPixels, natives), new ImageDecoder(natives), new ImageOps(),
                new ImageEncoder(natives));
    }
}
