package io.imagefleet.worker.imaging;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Converts RGB pixels described by an nclx colour box (ITU-T H.273 code points: primaries and
 * transfer characteristics, as HEIF and AVIF files carry them instead of an ICC profile) to
 * sRGB: each sample is linearised by its transfer function, taken from the file's primaries to
 * sRGB's through CIE XYZ (the chromaticities libheif worked out from the code points), clipped,
 * and encoded with sRGB's curve. BT.709 and unspecified primaries with an SDR transfer are sRGB
 * already and left alone. HDR transfers (PQ, HLG) are not tone-mapped: the pixels are taken as
 * sRGB with a warning. Stateless.
 */
final class NclxColour {
    private static final int PRIMARIES_BT709 = 1;
    private static final int PRIMARIES_UNSPECIFIED = 2;
    private static final int TRANSFER_GAMMA22 = 4;
    private static final int TRANSFER_GAMMA28 = 5;
    private static final int TRANSFER_LINEAR = 8;
    /** BT.709, unspecified, BT.601, sRGB, BT.2020 10 and 12-bit: displayed with sRGB's curve, as libvips and browsers do. */
    private static final Set<Integer> SRGB_LIKE_TRANSFERS = Set.of(1, 2, 6, 13, 14, 15);
    private static final float[] SRGB_XY = {0.64f, 0.33f, 0.30f, 0.60f, 0.15f, 0.06f, 0.3127f, 0.3290f};
    private static final int OUT_STEPS = 4096;

    private NclxColour() {
    }

    /** Converts {@code argb} in place to sRGB; adds a warning when it cannot. */
    static void toSrgb(int[] argb, LibHeif.Nclx nclx, List<String> warnings) {
        boolean srgbPrimaries = nclx.primaries() == PRIMARIES_BT709 || nclx.primaries() == PRIMARIES_UNSPECIFIED;
        double[] linear = linearisation(nclx.transfer());
        if (linear == null) {
            warnings.add(String.format(Locale.ROOT, "the image's transfer characteristic %d (nclx) is not converted "
                    + "(HDR is not tone-mapped); the pixels were taken as sRGB", nclx.transfer()));
            return;
        }
        if (srgbPrimaries && SRGB_LIKE_TRANSFERS.contains(nclx.transfer())) {
            return;
        }
        double[][] m = srgbPrimaries ? identity()
                : multiply(invert(rgbToXyz(SRGB_XY)), rgbToXyz(validXy(nclx.xy()) ? nclx.xy() : SRGB_XY));
        int[] encode = new int[OUT_STEPS + 1];
        for (int i = 0; i <= OUT_STEPS; i++) {
            double v = (double) i / OUT_STEPS;
            double e = v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
            encode[i] = (int) Math.round(Math.max(0, Math.min(1, e)) * 255);
        }
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            double r = linear[(p >> 16) & 0xff];
            double g = linear[(p >> 8) & 0xff];
            double b = linear[p & 0xff];
            int ro = encode[step(m[0][0] * r + m[0][1] * g + m[0][2] * b)];
            int go = encode[step(m[1][0] * r + m[1][1] * g + m[1][2] * b)];
            int bo = encode[step(m[2][0] * r + m[2][1] * g + m[2][2] * b)];
            argb[i] = (p & 0xff000000) | (ro << 16) | (go << 8) | bo;
        }
    }

    private static int step(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * OUT_STEPS);
    }

    /** The 8-bit code value to linear light table for an SDR transfer; null for HDR or unknown ones. */
    private static double[] linearisation(int transfer) {
        double[] t = new double[256];
        for (int i = 0; i < 256; i++) {
            double v = i / 255.0;
            if (SRGB_LIKE_TRANSFERS.contains(transfer)) {
                t[i] = v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
            } else if (transfer == TRANSFER_GAMMA22) {
                t[i] = Math.pow(v, 2.2);
            } else if (transfer == TRANSFER_GAMMA28) {
                t[i] = Math.pow(v, 2.8);
            } else if (transfer == TRANSFER_LINEAR) {
                t[i] = v;
            } else {
                return null;
            }
        }
        return t;
    }

    private static boolean validXy(float[] xy) {
        for (float v : xy) {
            if (!(v > 0 && v < 1)) {
                return false;
            }
        }
        return true;
    }

    /** The RGB to XYZ matrix of primaries r, g, b and white point w given as xy chromaticities. */
    private static double[][] rgbToXyz(float[] xy) {
        double[][] p = new double[3][3];
        for (int c = 0; c < 3; c++) {
            double x = xy[2 * c];
            double y = xy[2 * c + 1];
            p[0][c] = x / y;
            p[1][c] = 1;
            p[2][c] = (1 - x - y) / y;
        }
        double wx = xy[6];
        double wy = xy[7];
        double[] white = {wx / wy, 1, (1 - wx - wy) / wy};
        double[][] inv = invert(p);
        double[] s = new double[3];
        for (int r = 0; r < 3; r++) {
            s[r] = inv[r][0] * white[0] + inv[r][1] * white[1] + inv[r][2] * white[2];
        }
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                p[r][c] *= s[c];
            }
        }
        return p;
    }

    private static double[][] identity() {
        return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] m = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                m[r][c] = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
            }
        }
        return m;
    }

    private static double[][] invert(double[][] m) {
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double[][] r = new double[3][3];
        r[0][0] = (m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det;
        r[0][1] = (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det;
        r[0][2] = (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det;
        r[1][0] = (m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det;
        r[1][1] = (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det;
        r[1][2] = (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det;
        r[2][0] = (m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det;
        r[2][1] = (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det;
        r[2][2] = (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det;
        return r;
    }
}
