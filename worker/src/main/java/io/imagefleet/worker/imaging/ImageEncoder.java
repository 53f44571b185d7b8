package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Keep;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;

/**
 * Encodes an image in an output's format: JPEG (quality, optionally progressive), PNG, GIF
 * (palette built from the image, one transparent entry when it has alpha: by the JDK writer, or
 * for outputs over a megapixel by {@link GifPalette}, which checks the deadline), BMP, TIFF
 * (deflate, through the JDK's writer, which reports progress),
 * WebP (lossy or lossless, alpha kept) through libwebp, and AVIF (quality, alpha kept) through
 * libheif's AV1 encoder, when the worker loaded them.
 * Nothing of the source's metadata is written unless the output keeps it ({@code keep}: the ICC
 * profile, the Artist and Copyright fields). Images with alpha going to a format without it
 * (JPEG, BMP) are laid over the output's background (white unless the job says otherwise), so
 * transparent pixels do not turn black. Writers are always disposed, and the job's deadline
 * aborts a write in progress (ImageIO writers from their progress reports, libwebp from its
 * progress hook; libheif's AVIF encode cannot be stopped, so an AVIF output's size is bounded by
 * its speed before any pixel work, by {@link AvifCost}). Thread-safe.
 */
public final class ImageEncoder {
    /** JPEG quality when the job gives none. */
    public static final int DEFAULT_QUALITY = 85;
    /** WebP quality when the job gives none (lossy). */
    public static final int DEFAULT_WEBP_QUALITY = 80;
    /** AVIF quality when the job gives none (libheif's 0-100 scale; about JPEG 85's look at half the bytes). */
    public static final int DEFAULT_AVIF_QUALITY = 60;
    /**
     * The AV1 encoder's speed when the output gives none ({@code speed}, 0 slowest and smallest to
     * 10): 8 keeps a 256 px thumbnail's encode in the tens of milliseconds, as imgproxy's default does.
     */
    public static final int AVIF_SPEED = 8;
    /** The fastest speed libheif's aom encoder takes (the wire's 10 means this). */
    static final int AOM_MAX_SPEED = 9;
    private static final int WHITE = 0xffffff;
    private static final String JDK_TIFF_WRITER = "com.sun.imageio.plugins.tiff.";

    private final NativeCodecs natives;

    /** An encoder without native codecs (WebP outputs fail). */
    public ImageEncoder() {
        this(NativeCodecs.none());
    }

    /** An encoder that writes WebP through libwebp when it is loaded. */
    public ImageEncoder(NativeCodecs natives) {
        this.natives = natives;
    }

    /**
     * Encodes.
     *
     * @throws JobFailure ENCODE_FAILED when the format has no writer here or the writer fails, TIMEOUT
     */
    public byte[] encode(BufferedImage image, OutputSpec out, JobDeadline deadline) throws JobFailure {
        return encode(image, out, SourceMetadata.none(), deadline);
    }

    /**
     * Encodes, keeping what the output asks of the source's metadata ({@code keep}): the ICC
     * profile the pixels are still in, and the Artist and Copyright fields, in JPEG, PNG, WebP and
     * AVIF outputs. Pixels left in a source profile are converted to sRGB first for outputs that
     * do not keep it, and for GIF, BMP and TIFF outputs, which carry no kept metadata.
     *
     * @throws JobFailure ENCODE_FAILED when the format has no writer here or the writer fails, TIMEOUT
     */
    public byte[] encode(BufferedImage image, OutputSpec out, SourceMetadata kept, JobDeadline deadline) throws JobFailure {
        Format format = out.format();
        boolean carries = format == Format.JPEG || format == Format.PNG || format == Format.WEBP || format == Format.AVIF;
        byte[] icc = null;
        if (kept.profile().isPresent()) {
            if (carries && out.keep().contains(Keep.ICC)) {
                icc = kept.profile().get().getData();
            } else {
                image = Colour.applyProfile(image, kept.profile().get(), new ArrayList<>());
            }
        }
        byte[] exif = carries && out.keep().contains(Keep.COPYRIGHT) ? kept.copyright().orElse(null) : null;
        return switch (format) {
            case WEBP -> MetadataWriter.webp(webp(image, out, deadline), icc, exif, image.getWidth(), image.getHeight(),
                    image.getColorModel().hasAlpha());
            case AVIF -> avif(image, out, icc, exif, deadline);
            case JPEG -> icc == null && exif == null ? imageIo(image, out, deadline) : MetadataWriter.jpeg(imageIo(image, out, deadline), icc, exif);
            case PNG -> icc == null && exif == null ? imageIo(image, out, deadline) : MetadataWriter.png(imageIo(image, out, deadline), icc, exif);
            default -> imageIo(image, out, deadline);
        };
    }

    private byte[] imageIo(BufferedImage image, OutputSpec out, JobDeadline deadline) throws JobFailure {
        Format format = out.format();
        BufferedImage img = image;
        if (!format.supportsAlpha()) {
            img = Colour.flatten(img, background(out), deadline);
        }
        if (format == Format.GIF && (long) img.getWidth() * img.getHeight() > GifPalette.BANDED_ABOVE_PIXELS) {
            img = GifPalette.indexed(img, deadline);
        }
        ImageWriter writer = writerFor(format, img);
        DeadlineAbort abort = new DeadlineAbort(deadline);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, img.getWidth() * img.getHeight() / 4));
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(ios);
            writer.addIIOWriteProgressListener(abort);
            ImageWriteParam param = writer.getDefaultWriteParam();
            configure(param, out);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException | RuntimeException e) {
            deadline.check("encoding " + out.name());
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name() + " cannot be encoded as "
                    + format.wireName() + ": " + e.getMessage(), e);
        } finally {
            writer.removeAllIIOWriteProgressListeners();
            writer.dispose();
        }
        deadline.check("encoding " + out.name());
        return bytes.toByteArray();
    }

    /** WebP through libwebp: lossy at the output's quality, or lossless; alpha kept. */
    private byte[] webp(BufferedImage image, OutputSpec out, JobDeadline deadline) throws JobFailure {
        LibWebp webp = natives.webp().orElseThrow(() -> new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name()
                + " cannot be encoded as webp: WebP output needs libwebp, which this worker could not load ("
                + natives.webpMissing() + ")"));
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        if (!image.getColorModel().hasAlpha()) {
            for (int i = 0; i < argb.length; i++) {
                argb[i] |= 0xff000000;
            }
        }
        try {
            byte[] bytes = webp.encode(argb, w, h, out.quality() == null ? DEFAULT_WEBP_QUALITY : out.quality(), out.lossless(),
                    deadline);
            deadline.check("encoding " + out.name());
            return bytes;
        } catch (NativeCodecException e) {
            deadline.check("encoding " + out.name());
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name() + " cannot be encoded as webp: " + e.getMessage(), e);
        }
    }

    /** AVIF through libheif's AV1 encoder at the output's quality and speed (10 is aom's fastest, 9); alpha kept. */
    private byte[] avif(BufferedImage image, OutputSpec out, byte[] icc, byte[] exif, JobDeadline deadline) throws JobFailure {
        LibHeif heif = natives.heif().filter(LibHeif::canEncodeAvif).orElseThrow(() -> new JobFailure(ErrorCode.ENCODE_FAILED,
                "output " + out.name() + " cannot be encoded as avif: AVIF output needs libheif with an AV1 encoder, "
                        + "which this worker does not have (" + natives.heifMissing() + ")"));
        int w = image.getWidth();
        int h = image.getHeight();
        boolean alpha = image.getColorModel().hasAlpha();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        try {
            byte[] bytes = heif.encodeAvif(argb, w, h, alpha, out.quality() == null ? DEFAULT_AVIF_QUALITY : out.quality(),
                    Math.min(AOM_MAX_SPEED, out.speed() == null ? AVIF_SPEED : out.speed()), icc, exif);
            deadline.check("encoding " + out.name());
            return bytes;
        } catch (NativeCodecException e) {
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name() + " cannot be encoded as avif: " + e.getMessage(), e);
        }
    }

    private static ImageWriter writerFor(Format format, BufferedImage img) throws JobFailure {
        Iterator<ImageWriter> writers = ImageIO.getImageWriters(ImageTypeSpecifier.createFromRenderedImage(img),
                format.wireName());
        if (!writers.hasNext()) {
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "no " + format.wireName() + " encoder is available in this worker");
        }
        ImageWriter first = writers.next();
        if (format != Format.TIFF) {
            return first;
        }
        // The JDK's TIFF writer reports progress strip by strip, so the deadline stops it within a
        // few hundred milliseconds; TwelveMonkeys' reports none until it is done (3-12 s for 24 MP).
        for (ImageWriter w = first; ; w = writers.next()) {
            if (w.getClass().getName().startsWith(JDK_TIFF_WRITER)) {
                if (w != first) {
                    first.dispose();
                }
                return w;
            }
            if (w != first) {
                w.dispose();
            }
            if (!writers.hasNext()) {
                return first;
            }
        }
    }

    private static void configure(ImageWriteParam param, OutputSpec out) {
        if (out.format() == Format.JPEG) {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality((out.quality() == null ? DEFAULT_QUALITY : out.quality()) / 100f);
            if (out.progressive()) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
        } else if (out.format() == Format.TIFF && param.canWriteCompressed()) {
            String deflate = firstType(param, "Deflate");
            if (deflate != null) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType(deflate);
            }
        }
    }

    private static String firstType(ImageWriteParam param, String wanted) {
        for (String t : param.getCompressionTypes()) {
            if (wanted.equalsIgnoreCase(t)) {
                return t;
            }
        }
        return null;
    }

    private static int background(OutputSpec out) {
        return out.background() == null ? WHITE : Integer.parseInt(out.background().substring(1), 16);
    }
}
