package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.image.BufferedImage;

/**
 * A separable Gaussian blur on 8-bit (A)RGB images; edges are extended (no dark border), and
 * with alpha the colours are premultiplied first, so transparent pixels do not bleed their
 * (meaningless) colour into visible ones. Up to sigma {@value #EXACT_UP_TO} the kernel is exact
 * (fixed point, weights summing to exactly one); above it, three box blurs whose widths match
 * the Gaussian's variance (Kovesi's "boxes for Gauss") approximate it at a cost per pixel that
 * does not grow with sigma. Either way a flat area keeps its exact value, and the job's deadline
 * is checked on every row and column. Stateless.
 */
final class Gaussian {
    /** The largest sigma blurred with the exact kernel (at most 19 taps a pixel). */
    static final double EXACT_UP_TO = 3.0;
    private static final int ONE = 1 << 16;
    private static final int BOXES = 3;

    private Gaussian() {
    }

    static BufferedImage blur(BufferedImage src, double sigma, JobDeadline deadline) throws JobFailure {
        return blur(src, sigma, sigma <= EXACT_UP_TO, deadline);
    }

    /** The blur with the exact kernel or the boxes, whatever the sigma (to compare them). */
    static BufferedImage blur(BufferedImage src, double sigma, boolean exact, JobDeadline deadline) throws JobFailure {
        int w = src.getWidth();
        int h = src.getHeight();
        boolean alpha = src.getColorModel().hasAlpha();
        int[] pixels = Pixels.argb(src, deadline);
        if (alpha) {
            premultiply(pixels);
        }
        Line line = exact ? new Kernel(kernel(sigma), Math.max(w, h)) : new Boxes(boxRadii(sigma), Math.max(w, h));
        int[] buffer = new int[Math.max(w, h)];
        for (int y = 0; y < h; y++) {
            deadline.check("blurring row " + y + " of " + h);
            System.arraycopy(pixels, y * w, buffer, 0, w);
            line.blur(buffer, w);
            System.arraycopy(buffer, 0, pixels, y * w, w);
        }
        for (int x = 0; x < w; x++) {
            deadline.check("blurring column " + x + " of " + w);
            for (int y = 0; y < h; y++) {
                buffer[y] = pixels[y * w + x];
            }
            line.blur(buffer, h);
            for (int y = 0; y < h; y++) {
                pixels[y * w + x] = buffer[y];
            }
        }
        if (alpha) {
            unpremultiply(pixels);
        }
        return Pixels.image(pixels, w, h, alpha);
    }

    /** One line's blur, in place, on packed ARGB; channels are blurred independently. */
    private abstract static class Line {
        final int[][] channels;
        final int[] out;

        Line(int capacity) {
            channels = new int[4][capacity];
            out = new int[capacity];
        }

        final void blur(int[] argb, int n) {
            for (int i = 0; i < n; i++) {
                int p = argb[i];
                channels[0][i] = p >>> 24;
                channels[1][i] = (p >> 16) & 0xff;
                channels[2][i] = (p >> 8) & 0xff;
                channels[3][i] = p & 0xff;
            }
            for (int[] c : channels) {
                channel(c, n);
            }
            for (int i = 0; i < n; i++) {
                argb[i] = channels[0][i] << 24 | channels[1][i] << 16 | channels[2][i] << 8 | channels[3][i];
            }
        }

        /** Blurs {@code n} values of one channel in place. */
        abstract void channel(int[] c, int n);
    }

    /** The exact kernel: cost proportional to its width, used only for small sigmas. */
    private static final class Kernel extends Line {
        private final int[] weights;

        Kernel(int[] weights, int capacity) {
            super(capacity);
            this.weights = weights;
        }

        @Override
        void channel(int[] c, int n) {
            int r = weights.length / 2;
            for (int i = 0; i < n; i++) {
                long sum = 0;
                for (int k = -r; k <= r; k++) {
                    sum += (long) weights[k + r] * c[Math.min(n - 1, Math.max(0, i + k))];
                }
                out[i] = (int) ((sum + ONE / 2) / ONE);
            }
            System.arraycopy(out, 0, c, 0, n);
        }
    }

    /** Three box blurs by running sums: cost per value independent of their radii. */
    private static final class Boxes extends Line {
        private final int[] radii;

        Boxes(int[] radii, int capacity) {
            super(capacity);
            this.radii = radii;
        }

        @Override
        void channel(int[] c, int n) {
            for (int r : radii) {
                box(c, n, r);
            }
        }

        private void box(int[] c, int n, int r) {
            int width = 2 * r + 1;
            long sum = 0;
            for (int k = -r; k <= r; k++) {
                sum += c[Math.min(n - 1, Math.max(0, k))];
            }
            for (int i = 0; i < n; i++) {
                out[i] = (int) ((sum + width / 2) / width);
                sum += c[Math.min(n - 1, i + r + 1)] - c[Math.max(0, i - r)];
            }
            System.arraycopy(out, 0, c, 0, n);
        }
    }

    private static void premultiply(int[] pixels) {
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int a = p >>> 24;
            pixels[i] = a << 24 | mul((p >> 16) & 0xff, a) << 16 | mul((p >> 8) & 0xff, a) << 8 | mul(p & 0xff, a);
        }
    }

    private static void unpremultiply(int[] pixels) {
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int a = p >>> 24;
            pixels[i] = a == 0 ? 0 : a << 24 | div((p >> 16) & 0xff, a) << 16 | div((p >> 8) & 0xff, a) << 8 | div(p & 0xff, a);
        }
    }

    private static int mul(int c, int a) {
        return (c * a + 127) / 255;
    }

    private static int div(int c, int a) {
        return Math.min(255, (c * 255 + a / 2) / a);
    }

    /**
     * The radii of {@value #BOXES} boxes whose successive blur has the variance of a Gaussian of
     * the given sigma (P. Kovesi, "Fast almost-Gaussian filtering", 2010).
     */
    static int[] boxRadii(double sigma) {
        double ideal = Math.sqrt(12 * sigma * sigma / BOXES + 1);
        int lower = (int) Math.floor(ideal);
        if (lower % 2 == 0) {
            lower--;
        }
        int upper = lower + 2;
        long m = Math.round((12 * sigma * sigma - BOXES * lower * lower - 4.0 * BOXES * lower - 3 * BOXES) / (-4.0 * lower - 4));
        int[] radii = new int[BOXES];
        for (int i = 0; i < BOXES; i++) {
            radii[i] = ((i < m ? lower : upper) - 1) / 2;
        }
        return radii;
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
