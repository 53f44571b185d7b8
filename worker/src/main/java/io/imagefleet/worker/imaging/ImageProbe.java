package io.imagefleet.worker.imaging;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobFailure;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads an image's format, size, frame count and EXIF orientation from its header, without
 * decoding pixels, and applies the size limits. The format comes from the bytes (each reader's
 * signature check), never from a name. Every reader that claims the bytes is asked in turn.
 * Allocates next to nothing, whatever the header claims: a 50,000 x 50,000 PNG of a few bytes
 * is refused in well under a millisecond. Thread-safe.
 */
public final class ImageProbe {
    /** The longest side any format here can hold. */
    public static final int MAX_SIDE = 65_500;

    private final long maxPixels;
    private final Optional<TurboJpeg> turboJpeg;
    private final Optional<NativeHeifDecoder> heif;
    private final NativeCodecs natives;

    /** A probe that reads every header through ImageIO. */
    public ImageProbe(long maxPixels) {
        this(maxPixels, NativeCodecs.none());
    }

    /**
     * A probe that reads JPEG headers through libjpeg-turbo when it is loaded, and HEIF/AVIF
     * headers through libheif (the libraries that will decode them).
     */
    public ImageProbe(long maxPixels, NativeCodecs natives) {
        this.maxPixels = maxPixels;
        this.turboJpeg = natives.turboJpeg();
        this.heif = natives.heif().map(NativeHeifDecoder::new);
        this.natives = natives;
    }

    /**
     * Probes the header.
     *
     * @throws JobFailure UNSUPPORTED_FORMAT (empty, not an image, an unknown format, or HEIF/AVIF without libheif),
     *                    DECODE_FAILED (a header that cannot be read) or IMAGE_TOO_LARGE (over the limits)
     */
    public ProbeResult probe(byte[] bytes) throws JobFailure {
        if (bytes.length == 0) {
            throw new JobFailure(ErrorCode.UNSUPPORTED_FORMAT, "source is empty (0 bytes)");
        }
        if (turboJpeg.isPresent() && bytes.length > 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8
                && (bytes[2] & 0xff) == 0xff) {
            try {
                TurboJpeg.Header h = turboJpeg.get().header(bytes);
                checkLimits("jpeg", h.width(), h.height());
                return new ProbeResult("jpeg", h.width(), h.height(), 1, Orientation.read(bytes, "jpeg"));
            } catch (NativeCodecException e) {
                // A header libjpeg-turbo cannot read: ImageIO has its go below.
            }
        }
        String heifFormat = Formats.heif(bytes);
        if (heifFormat != null) {
            return probeHeif(bytes, heifFormat);
        }
        String last = null;
        try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new JobFailure(ErrorCode.UNSUPPORTED_FORMAT, "source is not an image in a known format ("
                        + bytes.length + " bytes, starting " + hexStart(bytes) + ")");
            }
            while (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    in.seek(0);
                    reader.setInput(in, true, true);
                    int w = reader.getWidth(0);
                    int h = reader.getHeight(0);
                    String format = Formats.normalise(reader.getFormatName());
                    checkLimits(format, w, h);
                    int frames = switch (format) {
                        case "gif" -> GifBlocks.frames(bytes);
                        case "webp" -> WebpChunks.frames(bytes);
                        default -> frames(reader);
                    };
                    return new ProbeResult(format, w, h, frames, Orientation.read(bytes, format));
                } catch (IOException | RuntimeException e) {
                    last = ImageDecoder.readerName(reader) + ": " + e.getMessage();
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException e) {
            last = e.toString();
        }
        throw new JobFailure(ErrorCode.DECODE_FAILED, "image header cannot be read: " + last);
    }

    /**
     * A HEIF/HEIC/AVIF header through libheif: the primary image's size with its transforms
     * applied. A file with {@code irot}/{@code imir} is upright once libheif has decoded it (its
     * EXIF orientation only repeats them: iPhones write both); a file without them is turned by
     * its EXIF orientation, as a JPEG is (heif-enc 1.15 keeps a JPEG's EXIF orientation and writes
     * no irot).
     */
    private ProbeResult probeHeif(byte[] bytes, String format) throws JobFailure {
        if (heif.isEmpty()) {
            throw new JobFailure(ErrorCode.UNSUPPORTED_FORMAT, "source is " + format.toUpperCase(Locale.ROOT)
                    + " (an ISO-BMFF ftyp box with a HEIF brand), which needs libheif; this worker could not load it ("
                    + natives.heifMissing() + ")");
        }
        LibHeif.Header h = heif.get().header(bytes, format);
        checkLimits(format, h.width(), h.height());
        int orientation = h.exif() == null || Formats.heifHasTransforms(bytes) ? Orientation.NORMAL
                : Orientation.fromExif(h.exif());
        return new ProbeResult(format, h.width(), h.height(), h.topLevelImages(), orientation);
    }

    /**
     * The frame count when the reader knows it without reading the file (a GIF's is counted by
     * {@link GifBlocks}, a WebP's by {@link WebpChunks}).
     */
    private static int frames(ImageReader reader) {
        try {
            return reader.getNumImages(false);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private void checkLimits(String format, int w, int h) throws JobFailure {
        long pixels = (long) w * h;
        if (w > MAX_SIDE || h > MAX_SIDE || pixels > maxPixels) {
            throw new JobFailure(ErrorCode.IMAGE_TOO_LARGE, String.format(Locale.ROOT,
                    "source is %dx%d (%.1f MP); the limit is %.1f MP and %d pixels a side",
                    w, h, pixels / 1e6, maxPixels / 1e6, MAX_SIDE));
        }
        if (w <= 0 || h <= 0) {
            throw new JobFailure(ErrorCode.DECODE_FAILED, format + " header says the image is " + w + "x" + h);
        }
    }

    private static String hexStart(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            sb.append(String.format(Locale.ROOT, "%02x", bytes[i] & 0xff));
        }
        return sb.toString();
    }
}
