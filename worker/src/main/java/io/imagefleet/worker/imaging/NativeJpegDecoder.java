package io.imagefleet.worker.imaging;

import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The JPEG fast path: TurboJPEG decodes straight to the smallest DCT scale (1/8 to 1) that keeps
 * what the decode plan needs, into the {@code int[]} of a {@link BufferedImage#TYPE_INT_RGB}
 * image (no copy). Only YCbCr, RGB and grey JPEGs take it; CMYK and YCCK ones go to
 * TwelveMonkeys, which knows their colour conversions. An embedded ICC profile (APP2, possibly
 * in several chunks) that is not sRGB is applied afterwards, as TwelveMonkeys would. Thread-safe.
 */
final class NativeJpegDecoder {
    private static final byte[] ICC_ID = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);

    private final NativeCodecs natives;
    private final TurboJpeg tj;

    NativeJpegDecoder(NativeCodecs natives, TurboJpeg tj) {
        this.natives = natives;
        this.tj = tj;
    }

    /** What a native decode gave: the image, or nothing when the JPEG is not one for this path. */
    record Outcome(BufferedImage image, Optional<String> warning) {
    }

    /** The integer subsampling the native decode is at least as small as (for admission). */
    int effectiveFactor(int plannedFactor) {
        int[] f = tj.scaleFor(plannedFactor);
        return Math.max(1, f[1] / f[0]);
    }

    /**
     * Decodes, or returns empty when the JPEG is CMYK or YCCK (not for this path). An embedded
     * profile that cannot be used is ignored, and {@code warnings} says so.
     *
     * @throws NativeCodecException when libjpeg-turbo cannot decode it (the caller tries ImageIO)
     */
    Optional<Outcome> decode(byte[] jpeg, int plannedFactor, List<String> warnings) throws NativeCodecException {
        TurboJpeg.Header h = tj.header(jpeg);
        if (!h.rgbLike()) {
            return Optional.empty();
        }
        int[] f = tj.scaleFor(plannedFactor);
        int w = TurboJpeg.scaled(h.width(), f);
        int ht = TurboJpeg.scaled(h.height(), f);
        BufferedImage img = new BufferedImage(w, ht, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        natives.maybeCrashForTests();
        TurboJpeg.Decoded d = tj.decode(jpeg, f, pixels, w, ht);
        if (h.colorspace() != TurboJpeg.CS_GRAY) {
            byte[] data = embeddedProfile(jpeg);
            ICC_Profile profile = data == null ? null : IccProfiles.parse(data, "the JPEG's APP2 ICC profile", warnings);
            if (profile != null) {
                img = Colour.applyProfile(img, profile, warnings);
            }
        }
        return Optional.of(new Outcome(img, d.warning()));
    }

    /** The bytes of the APP2 ICC_PROFILE segments (joined in sequence order), or null. */
    static byte[] embeddedProfile(byte[] b) {
        TreeMap<Integer, byte[]> chunks = new TreeMap<>();
        int p = 2;
        while (p + 4 <= b.length && (b[p] & 0xff) == 0xff) {
            int marker = b[p + 1] & 0xff;
            if (marker == 0xda || marker == 0xd9) {
                break;
            }
            if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker == 0xff) {
                p += marker == 0xff ? 1 : 2;
                continue;
            }
            int len = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
            if (len < 2 || p + 2 + len > b.length) {
                break;
            }
            if (marker == 0xe2 && len >= 16 && matches(b, p + 4, ICC_ID)) {
                int seq = b[p + 16] & 0xff;
                byte[] chunk = new byte[len - 16];
                System.arraycopy(b, p + 18, chunk, 0, chunk.length);
                chunks.put(seq, chunk);
            }
            p += 2 + len;
        }
        if (chunks.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks.values().forEach(all::writeBytes);
        return all.toByteArray();
    }

    private static boolean matches(byte[] b, int at, byte[] id) {
        if (at + id.length > b.length) {
            return false;
        }
        for (int i = 0; i < id.length; i++) {
            if (b[at + i] != id[i]) {
                return false;
            }
        }
        return true;
    }
}
