package io.imagefleet.worker.imaging;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Decodes the first frame of an image into 8-bit sRGB ({@link Colour}), upright (the EXIF
 * orientation applied unless the job says not to), optionally with source subsampling
 * (shrink-on-load). Every reader that claims the bytes is tried in turn, so a file one plugin
 * cannot read can still be read by the next (TwelveMonkeys first, the JDK's readers after).
 * A reader that decodes with a warning is final, though: the next one would not do better (the
 * JDK's JPEG reader returns CMYK pixels as if they were RGB, without a word).
 *
 * <p>A reader warning means lost data (a truncated JPEG decodes to grey with only a warning),
 * so it fails the decode unless the job accepts warnings; a few notices that are not about
 * lost data are let through (see {@link #BENIGN_WARNINGS}), and notices about an embedded colour
 * profile that was ignored (see {@link #COLOUR_NOTICES}) are let through and reported in the
 * request's warnings, as is a profile the colour engine cannot use. Metadata is never read (so no XML
 * is parsed), readers are always disposed, and the job's deadline aborts a read in progress.
 * Thread-safe.
 */
public final class ImageDecoder {
    /** Reader notices that say nothing about lost pixels. */
    static final List<String> BENIGN_WARNINGS = List.of(
            "Ignoring unexpected chunk",                        // WebP: an XMP or other extra chunk
            "strip/tileByteCount < required",                   // TIFF: compressed strips are shorter than raw ones
            "Old-style JPEG compressed TIFF",                    // TIFF: a legacy layout the reader handles
            "Incorrect StripOffsets/TileOffsets",
            "Incorrect StripByteCounts/TileByteCounts",
            "extraneous bytes before marker 0xd9",              // JPEG: padding before the end marker
            "No embedded ICC color profile, will convert using",      // CMYK JPEG: converted by formula
            "ICC profile is Perceptual, ignoring, treating as Display class"); // the profile is still applied

    /** Reader notices that an embedded colour profile was ignored: the decode goes on, and the result says so. */
    static final List<String> COLOUR_NOTICES = List.of(
            "Image contains an ICC color profile that is incompatible", // JPEG: a profile for other components
            "Embedded ICC color profile is incompatible with image data",
            "'ICC_PROFILE' chunk",                                     // JPEG: a bad, truncated or unlinkable profile
            "Ignoring broken/incompatible ICC profile",                // TIFF: LCMS cannot link it
            "Ignoring embedded ICC color profile for Bi-level/Gray TIFF",
            "Encountered non-RGB ICC Profile, ignoring color profile"); // WebP: a grey profile on RGB pixels

    /**
     * What to decode and how.
     *
     * @param warnings where what was tolerated on the way is added (an ignored colour profile), once each,
     *                 for the result's {@code warnings}; the caller owns it (one per job)
     * @param kept     what the outputs keep of the source's metadata; the decoder fills it
     */
    public record Request(int subsampling, boolean acceptWarnings, boolean autoOrient, JobDeadline deadline,
                          List<String> warnings, SourceMetadata kept) {
        /** A request whose warnings nobody reads. */
        public Request(int subsampling, boolean acceptWarnings, boolean autoOrient, JobDeadline deadline) {
            this(subsampling, acceptWarnings, autoOrient, deadline, new ArrayList<>());
        }

        /** A request for outputs that keep no source metadata. */
        public Request(int subsampling, boolean acceptWarnings, boolean autoOrient, JobDeadline deadline,
                       List<String> warnings) {
            this(subsampling, acceptWarnings, autoOrient, deadline, warnings, SourceMetadata.none());
        }

        void warn(List<String> more) {
            more.stream().filter(w -> !warnings.contains(w)).forEach(warnings::add);
        }
    }

    private final Optional<NativeJpegDecoder> nativeJpeg;
    private final Optional<NativeHeifDecoder> heif;
    private final NativeCodecs natives;
    private final Animator animator;

    /** The ImageIO + TwelveMonkeys decoder. */
    public ImageDecoder() {
        this(NativeCodecs.none());
    }

    /**
     * A decoder that takes the native JPEG path when libjpeg-turbo is loaded, and reads HEIF/AVIF when libheif is;
     * animations kept by an output are checked against the default limits.
     */
    public ImageDecoder(NativeCodecs natives) {
        this(natives, new Animator(natives, 50_000_000L, Animator.DEFAULT_MAX_FRAMES));
    }

    /** The same, with the animator whose limits an animation kept by an output is checked against before decoding. */
    public ImageDecoder(NativeCodecs natives, Animator animator) {
        this.nativeJpeg = natives.turboJpeg().map(tj -> new NativeJpegDecoder(natives, tj));
        this.heif = natives.heif().map(NativeHeifDecoder::new);
        this.natives = natives;
        this.animator = animator;
    }

    /**
     * The subsampling a decode of this image will actually use, given the plan's factor: the
     * native JPEG path decodes at the nearest DCT scale at or above the plan's size, which can
     * be larger, and libheif always decodes at full size. Admission reserves memory by this.
     */
    public int subsamplingFor(ProbeResult header, int plannedFactor) {
        if (Formats.isHeif(header.format())) {
            return 1; // libheif decodes HEVC and AV1 at full size only
        }
        if (header.format().equals("jpeg") && nativeJpeg.isPresent()) {
            return nativeJpeg.get().effectiveFactor(plannedFactor);
        }
        return plannedFactor;
    }

    /**
     * Decodes.
     *
     * @param header the probe of the same bytes (its format and orientation are used)
     * @throws JobFailure DECODE_FAILED, UNSUPPORTED_FORMAT when no reader takes the bytes, or TIMEOUT
     */
    public BufferedImage decode(byte[] bytes, ProbeResult header, Request request) throws JobFailure {
        maybeCheckAnimation(bytes, header, request);
        if (Formats.isHeif(header.format())) {
            NativeHeifDecoder h = heif.orElseThrow(() -> new JobFailure(ErrorCode.UNSUPPORTED_FORMAT, "source is "
                    + header.format() + ", which needs libheif; this worker could not load it (" + natives.heifMissing() + ")"));
            List<String> colour = new ArrayList<>();
            BufferedImage img = h.decode(bytes, header.format(), colour, request.kept());
            request.deadline().check("decoding");
            request.warn(colour);
            if (request.kept().wantsCopyright()) {
                request.kept().copyrightFrom(h.header(bytes, header.format()).exif());
            }
            // libheif applied irot/imir; the probe's orientation is the EXIF one of a file without them.
            return request.autoOrient() ? Orientation.apply(img, header.orientation()) : img;
        }
        List<String> failures = new ArrayList<>();
        if (header.format().equals("jpeg") && nativeJpeg.isPresent()) {
            try {
                List<String> colour = new ArrayList<>();
                Optional<NativeJpegDecoder.Outcome> fast = nativeJpeg.get().decode(bytes, request.subsampling(), colour,
                        request.kept());
                if (fast.isPresent()) {
                    request.deadline().check("decoding");
                    if (fast.get().warning().isPresent() && !request.acceptWarnings()) {
                        throw new JobFailure(ErrorCode.DECODE_FAILED, "image cannot be decoded: libjpeg-turbo warned: "
                                + fast.get().warning().get() + " (the job may set allowDecodeWarnings to accept such images)");
                    }
                    request.warn(colour);
                    keepCopyright(bytes, header, request);
                    return request.autoOrient() ? Orientation.apply(fast.get().image(), header.orientation())
                            : fast.get().image();
                }
            } catch (NativeCodecException e) {
                // Not decodable by libjpeg-turbo: ImageIO has its go, and its answer is final.
                failures.add("libjpeg-turbo: " + e.getMessage());
            }
        }
        try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new JobFailure(ErrorCode.UNSUPPORTED_FORMAT, "source is not an image in a known format");
            }
            while (readers.hasNext()) {
                Attempt attempt = read(readers.next(), in, request);
                if (attempt.image() != null) {
                    return finish(attempt.image(), bytes, header, request);
                }
                failures.add(attempt.failure());
                if (attempt.warned()) {
                    break;
                }
            }
        } catch (IOException e) {
            failures.add(e.toString());
        }
        throw new JobFailure(ErrorCode.DECODE_FAILED, "image cannot be decoded: " + String.join(" | ", failures));
    }

    /** One reader's go: an image, or why not (and whether it decoded but warned). */
    private record Attempt(BufferedImage image, String failure, boolean warned) {
    }

    private static Attempt read(ImageReader reader, ImageInputStream in, Request request) throws JobFailure {
        List<String> warnings = new ArrayList<>();
        List<String> colour = new ArrayList<>();
        IIOReadWarningListener listener = (source, warning) -> {
            if (COLOUR_NOTICES.stream().anyMatch(warning::contains)) {
                colour.add("the decoder ignored the embedded colour profile: " + warning);
            } else if (BENIGN_WARNINGS.stream().noneMatch(warning::contains)) {
                warnings.add(warning);
            }
        };
        // Readers may only be aborted from the thread that reads (the JDK's JPEG reader throws
        // otherwise), so the deadline is polled from the reader's own progress reports.
        DeadlineAbort abort = new DeadlineAbort(request.deadline());
        try {
            in.seek(0);
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(listener);
            reader.addIIOReadProgressListener(abort);
            ImageReadParam param = reader.getDefaultReadParam();
            if (request.subsampling() > 1) {
                param.setSourceSubsampling(request.subsampling(), request.subsampling(), 0, 0);
            }
            BufferedImage image = reader.read(0, param);
            request.deadline().check("decoding");
            if (!warnings.isEmpty() && !request.acceptWarnings()) {
                return new Attempt(null, readerName(reader) + " warned: " + String.join("; ", warnings)
                        + " (the job may set allowDecodeWarnings to accept such images)", true);
            }
            request.warn(colour);
            return new Attempt(image, null, false);
        } catch (IOException | RuntimeException e) {
            request.deadline().check("decoding");
            return new Attempt(null, readerName(reader) + ": " + e.getMessage(), false);
        } finally {
            reader.removeAllIIOReadWarningListeners();
            reader.removeAllIIOReadProgressListeners();
            reader.dispose();
        }
    }

    private static BufferedImage finish(BufferedImage decoded, byte[] bytes, ProbeResult header, Request request)
            throws JobFailure {
        BufferedImage img;
        List<String> colour = new ArrayList<>();
        try {
            img = Colour.toSrgb(decoded, colour, request.kept());
            if (header.format().equals("png")) {
                ICC_Profile profile = IccProfiles.pngProfile(bytes, colour);
                if (profile != null) {
                    img = Colour.applyOrKeep(img, profile, colour, request.kept());
                }
            }
            request.warn(colour);
            keepCopyright(bytes, header, request);
        } catch (RuntimeException e) {
            throw new JobFailure(ErrorCode.DECODE_FAILED, "the decoded " + header.format() + " image ("
                    + decoded.getColorModel().getColorSpace().getClass().getSimpleName() + ", "
                    + decoded.getColorModel().getNumComponents() + " components) cannot be converted to sRGB: " + e, e);
        }
        request.deadline().check("converting colours");
        return request.autoOrient() ? Orientation.apply(img, header.orientation()) : img;
    }

    /**
     * When an output keeps the animation of a GIF or WebP source, reads its frame count and canvas
     * from the header and checks them against the limits, before anything is decoded; the count
     * is kept for the pipeline ({@link Animator#keeps}). Outputs that asked to keep it in a format
     * that cannot hold one get the first frame, and the result says so.
     */
    private void maybeCheckAnimation(byte[] bytes, ProbeResult header, Request request) throws JobFailure {
        SourceMetadata kept = request.kept();
        if (!Animator.mayBeAnimated(header.format()) || !kept.wantsAnimation() && kept.animationDroppedBy().isEmpty()) {
            return;
        }
        AnimationHeader a = kept.wantsAnimation() ? animator.check(bytes, header.format(), request.deadline())
                : null;
        if (a != null) {
            kept.animated(a.frames());
        }
        if (a == null && kept.wantsAnimation() && header.frames() != 1) {
            request.warn(List.of("animation \"keep\" needs libwebpdemux and libwebpmux for an animated webp, which this worker "
                    + "could not load: the outputs have its first frame (" + natives.webpAnimMissing() + ")"));
        }
        if (!kept.animationDroppedBy().isEmpty() && (a != null ? a.frames() > 1 : header.frames() != 1)) {
            request.warn(List.of("animation \"keep\" needs a gif or webp output: output " + String.join(", ",
                    kept.animationDroppedBy()) + " has the first frame of the animated " + header.format()));
        }
    }

    private static void keepCopyright(byte[] bytes, ProbeResult header, Request request) {
        if (request.kept().wantsCopyright()) {
            request.kept().copyrightFrom(Orientation.exif(bytes, header.format()));
        }
    }

    static String readerName(ImageReader reader) {
        return reader.getOriginatingProvider() == null ? reader.getClass().getSimpleName()
                : reader.getOriginatingProvider().getClass().getName().replaceAll(".*\\.", "");
    }
}
