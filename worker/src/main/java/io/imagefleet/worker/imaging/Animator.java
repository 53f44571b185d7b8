package io.imagefleet.worker.imaging;

import io.imagefleet.wire.Animation;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Keep;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Locale;

/**
 * Animated outputs ({@code "animation": "keep"}): an animated GIF or WebP source becomes an
 * animated GIF or WebP (the output's format), its operations applied to every frame, each frame's
 * duration and the loop count kept. Frames are decoded, processed and encoded one at a time (GIF
 * frames composited over what the previous frames' disposal left; WebP frames by libwebpdemux),
 * so memory holds one canvas and one processed frame, whatever the frame count. The frame count
 * ({@code IMAGEFLEET_MAX_FRAMES}) and the pixels over all frames ({@code IMAGEFLEET_MAX_PIXELS})
 * are checked from the header before any frame is decoded. An animated WebP output of an animated
 * WebP source keeps what it asks of the source's metadata ({@code keep}: the ICC profile, the
 * Artist and Copyright fields); GIF sources and outputs have none to keep. Thread-safe.
 */
public final class Animator {
    /** {@code IMAGEFLEET_MAX_FRAMES} when it is not set. */
    public static final int DEFAULT_MAX_FRAMES = 500;

    private final NativeCodecs natives;
    private final long maxPixels;
    private final int maxFrames;
    private final ImageOps ops = new ImageOps();

    /**
     * @param maxPixels the most pixels decoded over all frames (each frame is a full canvas)
     * @param maxFrames the most frames an animated source may have
     */
    public Animator(NativeCodecs natives, long maxPixels, int maxFrames) {
        if (maxPixels <= 0 || maxFrames <= 0) {
            throw new IllegalArgumentException("the pixel and frame limits must be positive, got " + maxPixels + " and "
                    + maxFrames);
        }
        this.natives = natives;
        this.maxPixels = maxPixels;
        this.maxFrames = maxFrames;
    }

    /** An animated output encoded: its bytes, the size of its frames, and how many it has. */
    public record Animated(byte[] bytes, int width, int height, int frames) {
    }

    /**
     * Whether the output is made as an animation: it keeps the animation, its format can hold one,
     * and the decoder found the source animated (more than one frame) and within the limits.
     */
    public boolean keeps(OutputSpec out, SourceMetadata kept) {
        return out.animation() == Animation.KEEP && canAnimate(out.format()) && kept.animationFrames() > 1;
    }

    /**
     * How many frames an output will have, judged from the header before any decode: the source's
     * frame count when the output keeps the animation of an animated GIF or WebP in a format that
     * can hold one, else 1. A source whose frame count the probe could not read counts as one
     * frame here; its animation is checked against the limits from its own header before any
     * frame is decoded.
     */
    public static int framesOf(OutputSpec out, ProbeResult header) {
        return out.animation() == Animation.KEEP && out.format() != null && canAnimate(out.format())
                && mayBeAnimated(header.format()) && header.frames() > 1 ? header.frames() : 1;
    }

    static boolean canAnimate(Format format) {
        return format == Format.GIF || format == Format.WEBP;
    }

    static boolean mayBeAnimated(String sourceFormat) {
        return sourceFormat.equals("gif") || sourceFormat.equals("webp");
    }

    /**
     * The animation header of a GIF or WebP source, checked against the limits before any frame is
     * decoded; null for a WebP when libwebpdemux is missing (the outputs then get the first frame).
     *
     * @throws JobFailure IMAGE_TOO_LARGE over a limit (with the numbers), DECODE_FAILED for an unreadable header
     */
    AnimationHeader check(byte[] bytes, String format, JobDeadline deadline) throws JobFailure {
        AnimationHeader a;
        if (format.equals("gif")) {
            try (GifFrames gif = GifFrames.open(bytes, deadline)) {
                a = gif.header();
            }
        } else if (natives.webpAnim().isPresent()) {
            a = WebpFrames.header(natives.webpAnim().get(), bytes);
        } else {
            return null;
        }
        if (a.frames() > maxFrames) {
            throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "the animated %s has %d frames; the limit is %d (IMAGEFLEET_MAX_FRAMES)", format, a.frames(), maxFrames));
        }
        if (a.pixelsOverAllFrames() > maxPixels) {
            throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "the animated %s is %d frames of %dx%d (%.1f MP over all frames); the limit is %.1f MP (IMAGEFLEET_MAX_PIXELS)",
                    format, a.frames(), a.canvasWidth(), a.canvasHeight(), a.pixelsOverAllFrames() / 1e6, maxPixels / 1e6));
        }
        return a;
    }

    /**
     * Makes the animated output: every frame of the source, upright (when {@code autoOrient}),
     * through the output's operations, into the output's format.
     *
     * @throws JobFailure IMAGE_TOO_LARGE, DECODE_FAILED, PROCESS_FAILED, ENCODE_FAILED, or TIMEOUT
     */
    public Animated encode(byte[] bytes, ProbeResult header, OutputSpec out, boolean autoOrient, JobDeadline deadline)
            throws JobFailure {
        AnimationHeader a = check(bytes, header.format(), deadline);
        if (a == null) {
            throw new JobFailure(ErrorCode.DECODE_FAILED, "the animated webp needs libwebpdemux, which this worker could not load ("
                    + natives.webpAnimMissing() + ")");
        }
        int orientation = autoOrient ? header.orientation() : Orientation.NORMAL;
        Geometry.Size size = Orientation.transposes(orientation) ? new Geometry.Size(a.canvasHeight(), a.canvasWidth())
                : new Geometry.Size(a.canvasWidth(), a.canvasHeight());
        try (FrameSource frames = open(bytes, a, deadline); FrameSink sink = sink(out, a.loopCount(), deadline)) {
            int w = 0;
            int h = 0;
            int n = 0;
            for (Frame f = frames.next(); f != null; f = frames.next()) {
                BufferedImage upright = Orientation.apply(f.image(), orientation);
                BufferedImage done = ops.apply(upright, out.ops(), size, deadline);
                sink.add(done, f.durationMs());
                w = done.getWidth();
                h = done.getHeight();
                n++;
            }
            byte[] encoded = sink.finish();
            if (out.format() == Format.WEBP && a.format().equals("webp") && !out.keep().isEmpty()) {
                encoded = withKept(encoded, bytes, out, w, h);
            }
            return new Animated(encoded, w, h, n);
        }
    }

    /**
     * The animated WebP output with what it keeps of an animated WebP source: the source's ICC
     * profile (the frames are never converted out of it) and the Artist and Copyright of its EXIF.
     * A GIF source has neither to keep, and a GIF output carries no kept metadata (as a still one).
     */
    private static byte[] withKept(byte[] webp, byte[] source, OutputSpec out, int w, int h) {
        byte[] icc = out.keep().contains(Keep.ICC) ? WebpChunks.chunk(source, "ICCP") : null;
        if (icc != null && IccProfiles.parse(icc, "the animated WebP's ICC profile", new ArrayList<>()) == null) {
            icc = null; // unusable: the frames are shown as sRGB, so the output says nothing
        }
        byte[] exif = out.keep().contains(Keep.COPYRIGHT) ? SourceMetadata.copyrightOnly(Orientation.exif(source, "webp")) : null;
        return MetadataWriter.webp(webp, icc, exif, w, h, true);
    }

    private FrameSource open(byte[] bytes, AnimationHeader a, JobDeadline deadline) throws JobFailure {
        return a.format().equals("gif") ? GifFrames.open(bytes, deadline)
                : WebpFrames.open(natives.webpAnim().orElseThrow(), bytes, a, deadline);
    }

    private FrameSink sink(OutputSpec out, int loopCount, JobDeadline deadline) throws JobFailure {
        if (out.format() == Format.GIF) {
            return new GifFrameSink(out, loopCount, deadline);
        }
        LibWebpAnim lib = natives.webpAnim().orElseThrow(() -> new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name()
                + " cannot be encoded as an animated webp: that needs libwebpmux, which this worker could not load ("
                + natives.webpAnimMissing() + ")"));
        return new WebpFrameSink(lib, out, loopCount, deadline);
    }
}
