package io.imagefleet.worker.imaging;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The EXIF orientation of an image (TIFF tag 274, values 1-8): how the stored pixels must be
 * turned to be seen upright. The EXIF structure is found in a JPEG's APP1 segments (TwelveMonkeys'
 * {@link JPEGSegmentUtil}), a PNG's {@code eXIf} chunk, a WebP's {@code EXIF} chunk, a TIFF's own
 * first IFD, or a HEIF file's EXIF item (read by libheif), and parsed by TwelveMonkeys'
 * {@link TIFFReader}, without decoding pixels. Anything malformed gives up quietly (orientation
 * 1). Stateless.
 */
final class Orientation {
    /** Stored upright: nothing to do. */
    public static final int NORMAL = 1;

    private Orientation() {
    }

    /** Whether the orientation turns the image a quarter (5-8): width and height swap. */
    public static boolean transposes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /** The orientation recorded in the image's bytes, or {@link #NORMAL} when there is none or it is unreadable. */
    public static int read(byte[] b, String format) {
        byte[] tiff = exif(b, format);
        return tiff == null ? NORMAL : fromExif(tiff);
    }

    /** The EXIF TIFF structure of a JPEG, PNG, WebP or TIFF file (a TIFF is its own), or null. */
    static byte[] exif(byte[] b, String format) {
        return switch (format) {
            case "jpeg" -> fromJpeg(b);
            case "png" -> fromPng(b);
            case "webp" -> fromWebp(b);
            case "tiff" -> b;
            default -> null;
        };
    }

    /** The orientation in IFD0 of an EXIF block's TIFF structure (starting "II" or "MM"), or {@link #NORMAL}. */
    static int fromExif(byte[] tiff) {
        Directory ifd0 = ifd0(tiff);
        Entry entry = ifd0 == null ? null : ifd0.getEntryById(TIFF.TAG_ORIENTATION);
        int o = entry != null && entry.getValue() instanceof Number n ? n.intValue() : NORMAL;
        return o >= 1 && o <= 8 ? o : NORMAL;
    }

    /** IFD0 of the TIFF structure, or null when it cannot be read. */
    static Directory ifd0(byte[] tiff) {
        if (tiff.length < 8) {
            return null;
        }
        try (ImageInputStream in = new ByteArrayImageInputStream(tiff)) {
            Directory dir = new TIFFReader().read(in);
            return dir instanceof CompoundDirectory c ? (c.directoryCount() > 0 ? c.getDirectory(0) : null) : dir;
        } catch (IOException | RuntimeException e) {
            return null; // malformed EXIF: no orientation, as viewers do
        }
    }

    /** The TIFF structure of the first APP1 "Exif" segment, or null. */
    private static byte[] fromJpeg(byte[] b) {
        try (ImageInputStream in = new ByteArrayImageInputStream(b)) {
            List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            if (exif.isEmpty()) {
                return null;
            }
            try (InputStream data = exif.get(0).data()) {
                data.read(); // the pad byte after "Exif\0"
                return data.readAllBytes();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static byte[] fromPng(byte[] b) {
        int p = 8;
        while (p + 12 <= b.length) {
            long len = u32be(b, p);
            if (len > b.length - p - 12) {
                return null;
            }
            if (startsWith(b, p + 4, "eXIf")) {
                return Arrays.copyOfRange(b, p + 8, p + 8 + (int) len);
            }
            if (startsWith(b, p + 4, "IDAT") || startsWith(b, p + 4, "IEND")) {
                return null;
            }
            p += 12 + (int) len;
        }
        return null;
    }

    private static byte[] fromWebp(byte[] b) {
        if (b.length < 12 || !startsWith(b, 0, "RIFF") || !startsWith(b, 8, "WEBP")) {
            return null;
        }
        int p = 12;
        while (p + 8 <= b.length) {
            long len = u32le(b, p + 4);
            if (len > b.length - p - 8) {
                return null;
            }
            if (startsWith(b, p, "EXIF")) {
                int start = p + 8;
                // Some writers keep the JPEG "Exif\0\0" prefix in the chunk.
                return Arrays.copyOfRange(b, startsWith(b, start, "Exif\0\0") ? start + 6 : start, start + (int) len);
            }
            p += 8 + (int) (len + (len & 1));
        }
        return null;
    }

    /** The image turned upright; a new image unless the orientation is {@link #NORMAL}. */
    public static BufferedImage apply(BufferedImage img, int orientation) {
        if (orientation <= NORMAL || orientation > 8) {
            return img;
        }
        int w = img.getWidth();
        int h = img.getHeight();
        AffineTransform t = switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);     // mirror horizontal
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);    // rotate 180
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);     // mirror vertical
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);      // transpose
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);     // rotate 90 clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);    // transverse
            default -> new AffineTransform(0, -1, 1, 0, 0, w);    // 8: rotate 270 clockwise
        };
        boolean swap = transposes(orientation);
        BufferedImage dst = new BufferedImage(swap ? h : w, swap ? w : h,
                img.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.drawImage(img, t, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    private static boolean startsWith(byte[] b, int at, String ascii) {
        byte[] s = ascii.getBytes(StandardCharsets.ISO_8859_1);
        if (at < 0 || at + s.length > b.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (b[at + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    private static long u32be(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static long u32le(byte[] b, int p) {
        return (b[p] & 0xff) | ((b[p + 1] & 0xff) << 8) | ((b[p + 2] & 0xff) << 16) | ((long) (b[p + 3] & 0xff) << 24);
    }
}
