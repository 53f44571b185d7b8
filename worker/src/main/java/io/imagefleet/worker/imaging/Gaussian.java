package io.imagefleet.worker.imaging;

import java.awt.image.BufferedImage;

/**
 * A separable Gaussian blur on 8-bit (A)RGB images, in fixed point with weights that sum to
 * exactly one, so flat areas keep their exact value; edges are extended (no dark border). With
 * alpha, colours are weighted by their alpha, so transparent pixels do not bleed their
 * (meaningless) colour into visible ones. Stateless.
 */
final class Gaussian {
    private static final int ONE = 1 << 16;

    private Gaussian() {
    }

    static BufferedImage blur(BufferedImage src, double sigma) {
        int[] kernel = kernel(sigma);
        int w = src.getWidth();
        int h = src.getHeight();
        boolean alpha = src.getColorModel().hasAlpha();
        int[] pixels = src.getRGB(0, 0, w, h, null, 0, w);
        int[] across = new int[pixels.length];
        int[] line = new int[Math.max(w, h)];
        int[] result = new int[Math.max(w, h)];
        for (int y = 0; y < h; y++) {
            System.arraycopy(pixels, y * w, line, 0, w);
            pass(line, w, kernel, alpha, result);
            System.arraycopy(result, 0, across, y * w, w);
        }
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                line[y] = across[y * w + x];
            }
            pass(line, h, kernel, alpha, result);
            for (int y = 0; y < h; y++) {
                pixels[y * w + x] = result[y];
            }
        }
        BufferedImage dst = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        dst.setRGB(0, 0, w, h, pixels, 0, w);
        return dst;
    }

    /** Convolves one line of n ARGB pixels, extending its ends. */
    private static void pass(int[] in, int n, int[] kernel, boolean alpha, int[] out) {
        int r = kernel.length / 2;
        for (int i = 0; i < n; i++) {
            long sa = 0;
            long sr = 0;
            long sg = 0;
            long sb = 0;
            for (int k = -r; k <= r; k++) {
                int p = in[Math.min(n - 1, Math.max(0, i + k))];
                long wgt = kernel[k + r];
                long a = alpha ? (p >>> 24) : 255;
                sa += wgt * a;
                sr += wgt * a * ((p >> 16) & 0xff);
                sg += wgt * a * ((p >> 8) & 0xff);
                sb += wgt * a * (p & 0xff);
            }
            if (sa == 0) {
                out[i] = 0;
                continue;
            }
            int a = (int) ((sa + ONE / 2) / ONE);
            out[i] = (a << 24) | (int) ((sr + sa / 2) / sa) << 16 | (int) ((sg + sa / 2) / sa) << 8 | (int) ((sb + sa / 2) / sa);
        }
    }

    /** Fixed-point weights of a Gaussian of the given sigma, radius 3 sigma, summing to exactly {@link #ONE}. */
    static int[] kernel(double sigma) {
        int r = Math.max(1, (int) Math.ceil(sigma * 3));
        double[] d = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            d[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += d[i + r];
        }
        int[] k = new int[d.length];
        int total = 0;
        for (int i = 0; i < d.length; i++) {
            k[i] = (int) Math.round(d[i] / sum * ONE);
            total += k[i];
        }
        k[r] += ONE - total;
        return k;
    }
}
