package io.imagefleet.worker.imaging;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;

/**
 * The EXIF orientation of an image (TIFF tag 274, values 1-8): how the stored pixels must be
 * turned to be seen upright. Read from the bytes of a JPEG (APP1 Exif), PNG (eXIf), WebP (EXIF
 * chunk) or TIFF (IFD0) without decoding pixels; every read is bounds-checked and gives up
 * quietly (orientation 1) on anything malformed. Stateless.
 */
public final class Orientation {
    /** Stored upright: nothing to do. */
    public static final int NORMAL = 1;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int MAX_IFD_ENTRIES = 1000;

    private Orientation() {
    }

    /** Whether the orientation turns the image a quarter (5-8): width and height swap. */
    public static boolean transposes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /** The orientation recorded in the image's bytes, or {@link #NORMAL} when there is none or it is unreadable. */
    public static int read(byte[] b, String format) {
        int o = switch (format) {
            case "jpeg" -> fromJpeg(b);
            case "png" -> fromPng(b);
            case "webp" -> fromWebp(b);
            case "tiff" -> fromTiff(b, 0, b.length);
            default -> NORMAL;
        };
        return o >= 1 && o <= 8 ? o : NORMAL;
    }

    /** The orientation in an EXIF block's TIFF structure (starting "II" or "MM"), or {@link #NORMAL}. */
    static int fromExif(byte[] tiff) {
        int o = fromTiff(tiff, 0, tiff.length);
        return o >= 1 && o <= 8 ? o : NORMAL;
    }

    private static int fromJpeg(byte[] b) {
        int p = 2;
        while (p + 4 <= b.length && (b[p] & 0xff) == 0xff) {
            int marker = b[p + 1] & 0xff;
            if (marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0x01 || marker == 0xff) {
                p += marker == 0xff ? 1 : 2; // standalone markers and fill bytes
                continue;
            }
            if (marker == 0xda || marker == 0xd9) {
                return NORMAL; // image data or the end: no EXIF before it
            }
            int len = u16be(b, p + 2);
            if (len < 2 || p + 2 + len > b.length) {
                return NORMAL;
            }
            if (marker == 0xe1 && len >= 8 && startsWith(b, p + 4, "Exif\0\0")) {
                return fromTiff(b, p + 10, p + 2 + len);
            }
            p += 2 + len;
        }
        return NORMAL;
    }

    private static int fromPng(byte[] b) {
        int p = 8;
        while (p + 12 <= b.length) {
            long len = u32be(b, p);
            if (len > b.length - p - 12) {
                return NORMAL;
            }
            if (startsWith(b, p + 4, "eXIf")) {
                return fromTiff(b, p + 8, p + 8 + (int) len);
            }
            if (startsWith(b, p + 4, "IDAT") || startsWith(b, p + 4, "IEND")) {
                return NORMAL;
            }
            p += 12 + (int) len;
        }
        return NORMAL;
    }

    private static int fromWebp(byte[] b) {
        if (b.length < 12 || !startsWith(b, 0, "RIFF") || !startsWith(b, 8, "WEBP")) {
            return NORMAL;
        }
        int p = 12;
        while (p + 8 <= b.length) {
            long len = u32le(b, p + 4);
            if (len > b.length - p - 8) {
                return NORMAL;
            }
            if (startsWith(b, p, "EXIF")) {
                int start = p + 8;
                // Some writers keep the JPEG "Exif\0\0" prefix in the chunk.
                return fromTiff(b, startsWith(b, start, "Exif\0\0") ? start + 6 : start, start + (int) len);
            }
            p += 8 + (int) (len + (len & 1));
        }
        return NORMAL;
    }

    /** Reads the orientation from IFD0 of the TIFF structure in {@code b[start, end)}. */
    private static int fromTiff(byte[] b, int start, int end) {
        if (end - start < 8) {
            return NORMAL;
        }
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return NORMAL;
        }
        if (u16(b, start + 2, little) != 42) {
            return NORMAL; // BigTIFF (43) keeps orientation elsewhere; treated as upright
        }
        long ifd = u32(b, start + 4, little);
        if (ifd < 8 || ifd > end - start - 2) {
            return NORMAL;
        }
        int p = start + (int) ifd;
        int count = u16(b, p, little);
        if (count > MAX_IFD_ENTRIES) {
            return NORMAL;
        }
        for (int i = 0; i < count; i++) {
            int e = p + 2 + i * 12;
            if (e + 12 > end) {
                return NORMAL;
            }
            if (u16(b, e, little) == TAG_ORIENTATION) {
                int type = u16(b, e + 2, little);
                return type == 3 ? u16(b, e + 8, little) : type == 4 ? (int) u32(b, e + 8, little) : NORMAL;
            }
        }
        return NORMAL;
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

    private static int u16(byte[] b, int p, boolean little) {
        return little ? (b[p] & 0xff) | ((b[p + 1] & 0xff) << 8) : u16be(b, p);
    }

    private static int u16be(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    private static long u32(byte[] b, int p, boolean little) {
        return little ? u32le(b, p) : u32be(b, p);
    }

    private static long u32be(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static long u32le(byte[] b, int p) {
        return (b[p] & 0xff) | ((b[p + 1] & 0xff) << 8) | ((b[p + 2] & 0xff) << 16) | ((long) (b[p + 3] & 0xff) << 24);
    }
}
