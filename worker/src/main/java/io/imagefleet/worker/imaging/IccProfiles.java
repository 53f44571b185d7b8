package io.imagefleet.worker.imaging;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Embedded ICC profiles that a decoder ignores: the JDK's PNG reader reads the {@code iCCP}
 * chunk into metadata but decodes as if the pixels were sRGB, and the native decoders hand the
 * profile over as bytes. Bounded: a profile inflating past {@value #MAX_PROFILE_BYTES} bytes is
 * ignored. A profile that is not one (corrupt data) is ignored with a warning. Stateless.
 */
final class IccProfiles {
    static final int MAX_PROFILE_BYTES = 4 << 20;
    private static final float[][] PROBES = {
        {0.2f, 0.2f, 0.2f}, {0.5f, 0.5f, 0.5f}, {0.8f, 0.8f, 0.8f}, {0.9f, 0.1f, 0.1f}, {0.1f, 0.9f, 0.1f}, {0.1f, 0.1f, 0.9f}};

    private IccProfiles() {
    }

    /**
     * A profile from its bytes, or null with a warning when they are not a usable profile.
     *
     * @param what where the profile came from, for the warning ("the JPEG's APP2 ICC profile")
     */
    static ICC_Profile parse(byte[] data, String what, List<String> warnings) {
        try {
            return ICC_Profile.getInstance(data);
        } catch (IllegalArgumentException e) {
            warnings.add(what + " is corrupt (" + e.getMessage() + "); the image was taken as sRGB");
            return null;
        }
    }

    /** The PNG's embedded profile (iCCP) when it has one and no sRGB chunk; null otherwise. */
    static ICC_Profile pngProfile(byte[] b, List<String> warnings) {
        int p = 8;
        while (p + 12 <= b.length) {
            long len = u32be(b, p);
            if (len > b.length - p - 12) {
                return null;
            }
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("iCCP")) {
                return iccp(b, p + 8, (int) len, warnings);
            }
            if (type.equals("IDAT") || type.equals("IEND") || type.equals("sRGB")) {
                return null; // an sRGB chunk means sRGB, whatever else is there
            }
            p += 12 + (int) len;
        }
        return null;
    }

    private static ICC_Profile iccp(byte[] b, int start, int len, List<String> warnings) {
        int nul = start;
        int end = start + len;
        while (nul < end && nul - start < 80 && b[nul] != 0) {
            nul++;
        }
        if (nul + 2 > end || b[nul + 1] != 0) {
            warnings.add("the PNG's iCCP chunk is malformed (no name terminator, or not deflated); the image was taken as sRGB");
            return null;
        }
        byte[] data = inflate(b, nul + 2, end - nul - 2);
        if (data == null) {
            warnings.add("the PNG's iCCP profile cannot be inflated (corrupt, or over " + MAX_PROFILE_BYTES
                    + " bytes); the image was taken as sRGB");
            return null;
        }
        return parse(data, "the PNG's iCCP profile", warnings);
    }

    /**
     * Whether the profile maps colours as sRGB does (within one step in 255), tried on a few probe
     * colours. Throws what the colour engine throws for a profile it cannot use.
     */
    static boolean isSrgb(ICC_Profile profile) {
        if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
            return false;
        }
        ColorSpace space = new ICC_ColorSpace(profile);
        for (float[] probe : PROBES) {
            float[] rgb = space.toRGB(probe);
            for (int i = 0; i < 3; i++) {
                if (Math.abs(rgb[i] - probe[i]) > 1.5f / 255) {
                    return false;
                }
            }
        }
        return true;
    }

    private static byte[] inflate(byte[] b, int off, int len) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, off, len);
            byte[] out = new byte[Math.min(MAX_PROFILE_BYTES, Math.max(1024, len * 4))];
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) {
                    if (out.length == MAX_PROFILE_BYTES) {
                        return null;
                    }
                    out = java.util.Arrays.copyOf(out, Math.min(MAX_PROFILE_BYTES, out.length * 2));
                }
                int got = inflater.inflate(out, n, out.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null;
                }
                n += got;
            }
            return java.util.Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    private static long u32be(byte[] b, int p) {
        return ((long) (b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
}
