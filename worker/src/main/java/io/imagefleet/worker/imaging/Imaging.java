package io.imagefleet.worker.imaging;

/**
 * The image stages of the pipeline, built together in {@code main}: probe, decode, operations,
 * encode. Immutable; each part is thread-safe.
 */
public record Imaging(ImageProbe probe, ImageDecoder decoder, ImageOps ops, ImageEncoder encoder, Animator animator) {

    /** The ImageIO + TwelveMonkeys stages with the given pixel limit. */
    public static Imaging imageIo(long maxPixels) {
        return of(maxPixels, NativeCodecs.none());
    }

    /** The stages using whatever native codecs were loaded, ImageIO + TwelveMonkeys for the rest. */
    public static Imaging of(long maxPixels, NativeCodecs natives) {
        return of(maxPixels, Animator.DEFAULT_MAX_FRAMES, natives);
    }

    /**
     * The same, with the frame limit of animated outputs ({@code IMAGEFLEET_MAX_FRAMES}); the pixel
     * limit ({@code IMAGEFLEET_MAX_PIXELS}) also bounds the pixels over all of an animation's frames.
     */
    public static Imaging of(long maxPixels, int maxFrames, NativeCodecs natives) {
        Animator animator = new Animator(natives, maxPixels, maxFrames);
        return new Imaging(new ImageProbe(maxPixels, natives), new ImageDecoder(natives, animator), new ImageOps(),
                new ImageEncoder(natives), animator);
    }
}
