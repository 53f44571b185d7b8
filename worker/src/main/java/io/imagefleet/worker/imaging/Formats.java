package io.imagefleet.worker.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** Canonical lower-case names for ImageIO's format names, and the HEIF family found by its brands. */
final class Formats {
    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");
    private static final Set<String> HEIC_BRANDS = Set.of("heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs");
    private static final Set<String> HEIF_BRANDS = Set.of("mif1", "msf1", "mif2");
    /** The longest ftyp box read for brands; real ones are a few dozen bytes. */
    private static final int MAX_FTYP = 4096;

    private Formats() {
    }

    static String normalise(String imageIoName) {
        String n = imageIoName.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "jpg", "jpeg-lossless", "jpeg" -> "jpeg";
            case "tif", "tiff" -> "tiff";
            default -> n;
        };
    }

    /** Whether the format is one libheif reads (as {@link #heif} names them). */
    static boolean isHeif(String format) {
        return format.equals("heic") || format.equals("avif") || format.equals("heif");
    }

    /**
     * The HEIF family member the file's {@code ftyp} box names: {@code avif} (AV1), {@code heic}
     * (HEVC) or {@code heif} (another or no codec brand); null when the bytes do not start with
     * an ISO-BMFF {@code ftyp} box naming a HEIF brand (an MP4 video, say).
     */
    static String heif(byte[] b) {
        if (b.length < 16 || !ascii(b, 4).equals("ftyp")) {
            return null;
        }
        long size = ((long) (b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int end = (int) Math.min(Math.min(size, MAX_FTYP), b.length);
        String found = null;
        for (int p = 8; p + 4 <= end; p += p == 8 ? 8 : 4) { // the major brand, a minor version, then compatible brands
            String brand = ascii(b, p);
            if (AVIF_BRANDS.contains(brand)) {
                return "avif";
            }
            if (HEIC_BRANDS.contains(brand)) {
                found = "heic";
            } else if (found == null && HEIF_BRANDS.contains(brand)) {
                found = "heif";
            }
        }
        return found;
    }

    /**
     * Whether the HEIF file's item properties ({@code ipco}) hold a rotation or mirror
     * ({@code irot}, {@code imir}): then libheif turns the image upright itself, and an EXIF
     * orientation only repeats it. Reads box headers only, bounds-checked; false when there is no
     * readable {@code ipco}.
     */
    static boolean heifHasTransforms(byte[] b) {
        byte[] ipco = "ipco".getBytes(StandardCharsets.ISO_8859_1);
        for (int at = 4; at + 4 <= b.length; at++) {
            if (b[at] == ipco[0] && b[at + 1] == ipco[1] && b[at + 2] == ipco[2] && b[at + 3] == ipco[3]) {
                long size = u32(b, at - 4);
                long end = Math.min(b.length, at - 4 + size);
                for (long p = at + 4; p + 8 <= end; ) {
                    long child = u32(b, (int) p);
                    String type = ascii(b, (int) p + 4);
                    if (type.equals("irot") || type.equals("imir")) {
                        return true;
                    }
                    if (child < 8) {
                        return false;
                    }
                    p += child;
                }
                return false;
            }
        }
        return false;
    }

    private static long u32(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    private static String ascii(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }
}
