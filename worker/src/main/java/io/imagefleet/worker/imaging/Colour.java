package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.Graphics2D;
import java.awt.color.CMMException;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.color.ProfileDataException;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.List;

/**
 * Conversions to the two pixel layouts the operations work on: 8-bit sRGB, with or without
 * alpha ({@link BufferedImage#TYPE_INT_RGB}, {@link BufferedImage#TYPE_INT_ARGB}). Stateless.
 *
 * <p>Grey samples are taken as display values (v becomes v,v,v), as every viewer shows them,
 * not as the linear light that Java's built-in grey colour space claims they are. Images in any
 * other colour space (an embedded ICC profile such as Adobe RGB, CMYK, linear RGB) are converted
 * to sRGB through their profile with a colour management engine, not pixel by pixel.
 *
 * <p>A profile the colour engine cannot use (LCMS: "Couldn't link the profiles", a profile
 * whose data is corrupt) is ignored and the pixels are taken as sRGB, as viewers, libvips and
 * ImageMagick do; the caller's warning list says so, so the result can carry it.
 */
final class Colour {
    private static final ColorSpace SRGB = ColorSpace.getInstance(ColorSpace.CS_sRGB);
    private static final ColorSpace LINEAR_GREY = ColorSpace.getInstance(ColorSpace.CS_GRAY);
    private static final int FLATTEN_BAND_ROWS = 256;

    private Colour() {
    }

    /**
     * The image in 8-bit sRGB, with alpha when it has any; the same image when it already is. An
     * image in a profile the colour engine cannot use is taken as sRGB, and {@code warnings} says so.
     */
    static BufferedImage toSrgb(BufferedImage src, List<String> warnings) {
        try {
            return toSrgb(src);
        } catch (CMMException | ProfileDataException | IllegalArgumentException e) {
            ColorModel cm = src.getColorModel();
            if (!(cm instanceof ComponentColorModel) || cm.getColorSpace().getType() != ColorSpace.TYPE_RGB) {
                throw e;
            }
            ColorModel asSrgb = new ComponentColorModel(SRGB, cm.getComponentSize(), cm.hasAlpha(),
                    cm.isAlphaPremultiplied(), cm.getTransparency(), cm.getTransferType());
            if (!asSrgb.isCompatibleRaster(src.getRaster())) {
                throw e;
            }
            warnings.add(unusable(e));
            BufferedImage dst = blank(src.getWidth(), src.getHeight(), cm.hasAlpha());
            draw(new BufferedImage(asSrgb, src.getRaster(), cm.isAlphaPremultiplied(), null), dst);
            return dst;
        }
    }

    /**
     * Converts 8-bit pixels a decoder left in an embedded profile's space (labelled sRGB) to
     * sRGB, unless the profile maps colours as sRGB does; a profile that cannot be used is
     * ignored (the pixels are taken as sRGB) and {@code warnings} says so. Never throws for a
     * bad profile.
     */
    static BufferedImage applyProfile(BufferedImage srgbLabelled, ICC_Profile profile, List<String> warnings) {
        try {
            return IccProfiles.isSrgb(profile) ? srgbLabelled : fromProfile(srgbLabelled, profile);
        } catch (CMMException | ProfileDataException | IllegalArgumentException e) {
            warnings.add(unusable(e));
            return srgbLabelled;
        }
    }

    /**
     * As {@link #applyProfile}, except that when an output keeps the ICC profile ({@code kept}
     * wants it) and the profile is a usable RGB one that is not sRGB, the pixels are left in it
     * and {@code kept} records it: outputs that do not keep it convert after their operations.
     */
    static BufferedImage applyOrKeep(BufferedImage srgbLabelled, ICC_Profile profile, List<String> warnings,
                                     SourceMetadata kept) {
        if (kept.wantsIcc() && profile.getColorSpaceType() == ColorSpace.TYPE_RGB) {
            try {
                if (!IccProfiles.isSrgb(profile)) {
                    kept.leftIn(profile);
                    return srgbLabelled;
                }
            } catch (CMMException | ProfileDataException | IllegalArgumentException e) {
                warnings.add(unusable(e));
                return srgbLabelled;
            }
        }
        return applyProfile(srgbLabelled, profile, warnings);
    }

    /**
     * As {@link #toSrgb(BufferedImage, List)}, except that an image in a usable RGB ICC space that
     * is not sRGB is left in it (its samples relabelled, not converted) when {@code kept} wants the
     * profile, and {@code kept} records it.
     */
    static BufferedImage toSrgb(BufferedImage src, List<String> warnings, SourceMetadata kept) {
        ColorModel cm = src.getColorModel();
        if (kept.wantsIcc() && cm instanceof ComponentColorModel && cm.getColorSpace() instanceof ICC_ColorSpace ics
                && ics.getType() == ColorSpace.TYPE_RGB && !ics.isCS_sRGB()) {
            try {
                if (!IccProfiles.isSrgb(ics.getProfile())) {
                    ColorModel asSrgb = new ComponentColorModel(SRGB, cm.getComponentSize(), cm.hasAlpha(),
                            cm.isAlphaPremultiplied(), cm.getTransparency(), cm.getTransferType());
                    if (asSrgb.isCompatibleRaster(src.getRaster())) {
                        BufferedImage dst = blank(src.getWidth(), src.getHeight(), cm.hasAlpha());
                        draw(new BufferedImage(asSrgb, src.getRaster(), cm.isAlphaPremultiplied(), null), dst);
                        kept.leftIn(ics.getProfile());
                        return dst;
                    }
                }
            } catch (CMMException | ProfileDataException | IllegalArgumentException e) {
                // unusable: toSrgb below takes it as sRGB with a warning
            }
        }
        return toSrgb(src, warnings);
    }

    /** The warning for a profile that was ignored. */
    static String unusable(RuntimeException e) {
        return "the embedded ICC colour profile cannot be used (" + e.getMessage() + "); the image was taken as sRGB";
    }

    /** The image in 8-bit sRGB, with alpha when it has any; the same image when it already is. */
    static BufferedImage toSrgb(BufferedImage src) {
        int type = src.getType();
        if (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB) {
            return src;
        }
        ColorModel cm = src.getColorModel();
        ColorSpace cs = cm.getColorSpace();
        BufferedImage dst = blank(src.getWidth(), src.getHeight(), cm.hasAlpha());
        if (cs == LINEAR_GREY || (cs.getType() == ColorSpace.TYPE_GRAY && !(cs instanceof ICC_ColorSpace))) {
            copyGrey(src.getRaster(), cm, dst);
        } else if (cs.isCS_sRGB()) {
            draw(src, dst);
        } else if (!(cs instanceof ICC_ColorSpace)) {
            // A space defined by code, not a profile (TwelveMonkeys' CMYK without one): its own
            // toRGB is right, while ColorConvertOp's path for such spaces is not.
            copyRows(src, dst);
        } else {
            new ColorConvertOp(cs, SRGB, null).filter(src, dst);
        }
        return dst;
    }

    /**
     * Reinterprets 8-bit pixels that a decoder labelled sRGB as values in the given profile's
     * space, and converts them to sRGB: for decoders that ignore an embedded profile (the JDK's
     * PNG reader and iCCP). Returns the image unchanged when the profile is not an RGB one.
     */
    static BufferedImage fromProfile(BufferedImage srgbLabelled, ICC_Profile profile) {
        if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
            return srgbLabelled;
        }
        BufferedImage img = toSrgb(srgbLabelled);
        boolean alpha = img.getColorModel().hasAlpha();
        ColorSpace space = new ICC_ColorSpace(profile);
        DirectColorModel relabelled = new DirectColorModel(space, alpha ? 32 : 24, 0xff0000, 0xff00, 0xff,
                alpha ? 0xff000000 : 0, false, DataBuffer.TYPE_INT);
        BufferedImage inProfile = new BufferedImage(relabelled, img.getRaster(), false, null);
        BufferedImage dst = blank(img.getWidth(), img.getHeight(), alpha);
        new ColorConvertOp(space, SRGB, null).filter(inProfile, dst);
        return dst;
    }

    /**
     * Lays an image with alpha over an opaque colour, for formats that cannot carry alpha, a band
     * of rows at a time with the deadline checked between bands (a 24 MP flatten takes about a second).
     */
    static BufferedImage flatten(BufferedImage src, int rgb, JobDeadline deadline) throws JobFailure {
        if (!src.getColorModel().hasAlpha()) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setColor(new java.awt.Color(rgb));
            for (int y = 0; y < h; y += FLATTEN_BAND_ROWS) {
                deadline.check("laying transparent pixels over the background");
                int rows = Math.min(FLATTEN_BAND_ROWS, h - y);
                g.fillRect(0, y, w, rows);
                g.drawImage(src.getSubimage(0, y, w, rows), 0, y, null);
            }
        } finally {
            g.dispose();
        }
        return dst;
    }

    private static BufferedImage blank(int w, int h, boolean alpha) {
        return new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    }

    private static void draw(BufferedImage src, BufferedImage dst) {
        Graphics2D g = dst.createGraphics();
        try {
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
    }

    private static void copyRows(BufferedImage src, BufferedImage dst) {
        int w = src.getWidth();
        int[] row = new int[w];
        for (int y = 0; y < src.getHeight(); y++) {
            src.getRGB(0, y, w, 1, row, 0, w);
            dst.setRGB(0, y, w, 1, row, 0, w);
        }
    }

    /** Grey (and grey + alpha) at any bit depth: each sample scaled to 8 bits and repeated in r, g and b. */
    private static void copyGrey(Raster raster, ColorModel cm, BufferedImage dst) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        boolean alpha = cm.hasAlpha();
        int bands = raster.getNumBands();
        boolean floating = raster.getTransferType() == DataBuffer.TYPE_FLOAT || raster.getTransferType() == DataBuffer.TYPE_DOUBLE;
        // 32-bit samples are unsigned, but rasters hand them out as Java ints.
        double wrap = raster.getTransferType() == DataBuffer.TYPE_INT ? 4294967296.0 : 0;
        double greyMax = floating ? 1.0 : (1L << cm.getComponentSize(0)) - 1;
        double alphaMax = alpha ? (floating ? 1.0 : (1L << cm.getComponentSize(bands - 1)) - 1) : 1;
        double[] grey = new double[w];
        double[] a = alpha ? new double[w] : null;
        int[] row = new int[w];
        WritableRaster out = dst.getRaster();
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, grey);
            if (alpha) {
                raster.getSamples(0, y, w, 1, bands - 1, a);
            }
            for (int x = 0; x < w; x++) {
                int v = to8(grey[x] < 0 ? grey[x] + wrap : grey[x], greyMax);
                int av = alpha ? to8(a[x] < 0 ? a[x] + wrap : a[x], alphaMax) : 0xff;
                row[x] = (av << 24) | (v << 16) | (v << 8) | v;
            }
            out.setDataElements(0, y, w, 1, row);
        }
    }

    private static int to8(double sample, double max) {
        long v = Math.round(sample / max * 255.0);
        return (int) Math.max(0, Math.min(255, v));
    }
}
