package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reduces a large image to a 256-colour palette for the GIF writer, in steps that check the job's
 * deadline: the JDK's GIF writer builds its own palette (an octree over every pixel) without a
 * progress report, 2-12 s for 24 MP, so a large GIF output could not be stopped. Here the
 * palette comes from a median cut over a 5-bit-per-channel histogram of at most about 262,000
 * sampled pixels, and the pixels are mapped to it band by band (nearest entry, cached per
 * 6-bit-per-channel cell), with one transparent entry when the image has alpha (alpha below half
 * is transparent, as the JDK writer does). No dithering, like the JDK writer. Stateless.
 */
final class GifPalette {
    /** Outputs larger than this are reduced here; smaller ones by the JDK writer (well under a second). */
    static final long BANDED_ABOVE_PIXELS = 1_000_000;
    private static final int SAMPLES = 1 << 18;
    private static final int BAND_ROWS = 64;

    private GifPalette() {
    }

    /** The image as TYPE_BYTE_INDEXED with at most 256 colours (one of them transparent when it has alpha). */
    static BufferedImage indexed(BufferedImage img, JobDeadline deadline) throws JobFailure {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean alpha = img.getColorModel().hasAlpha();
        int[] palette = palette(histogram(img, deadline), alpha ? 255 : 256);
        int n = palette.length;
        byte[] r = new byte[alpha ? n + 1 : n];
        byte[] g = new byte[r.length];
        byte[] b = new byte[r.length];
        for (int i = 0; i < n; i++) {
            r[i] = (byte) (palette[i] >> 16);
            g[i] = (byte) (palette[i] >> 8);
            b[i] = (byte) palette[i];
        }
        IndexColorModel icm = alpha ? new IndexColorModel(8, r.length, r, g, b, n) : new IndexColorModel(8, r.length, r, g, b);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, icm);
        byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        short[] cache = new short[1 << 18];
        Arrays.fill(cache, (short) -1);
        int[] row = new int[w * BAND_ROWS];
        for (int y = 0; y < h; y += BAND_ROWS) {
            deadline.check("reducing colours for gif");
            int rows = Math.min(BAND_ROWS, h - y);
            img.getRGB(0, y, w, rows, row, 0, w);
            for (int i = 0; i < rows * w; i++) {
                int p = row[i];
                if (alpha && (p >>> 24) < 128) {
                    dst[y * w + i] = (byte) n;
                    continue;
                }
                int cell = ((p >> 6) & 0x3f000) | ((p >> 4) & 0xfc0) | ((p >> 2) & 0x3f);
                short idx = cache[cell];
                if (idx < 0) {
                    idx = (short) nearest(palette, (p >> 16 & 0xfc) | 2, (p >> 8 & 0xfc) | 2, (p & 0xfc) | 2);
                    cache[cell] = idx;
                }
                dst[y * w + i] = (byte) idx;
            }
        }
        return out;
    }

    /** Counts sampled opaque pixels per 5-bit-per-channel cell. */
    private static int[] histogram(BufferedImage img, JobDeadline deadline) throws JobFailure {
        int w = img.getWidth();
        int h = img.getHeight();
        int step = (int) Math.max(1, Math.ceil(Math.sqrt((double) w * h / SAMPLES)));
        boolean alpha = img.getColorModel().hasAlpha();
        int[] hist = new int[1 << 15];
        int[] row = new int[w];
        for (int y = 0; y < h; y += step) {
            if (y % (step * BAND_ROWS) == 0) {
                deadline.check("reducing colours for gif");
            }
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x += step) {
                int p = row[x];
                if (!alpha || (p >>> 24) >= 128) {
                    hist[((p >> 9) & 0x7c00) | ((p >> 6) & 0x3e0) | ((p >> 3) & 0x1f)]++;
                }
            }
        }
        return hist;
    }

    /** A box of histogram cells, 0-31 on each channel. */
    private record Box(int[] lo, int[] hi, long count) {
    }

    /** Median cut: up to {@code max} colours, each the mean of its box's pixels. */
    private static int[] palette(int[] hist, int max) {
        List<Box> boxes = new ArrayList<>();
        Box all = shrink(hist, new int[] {0, 0, 0}, new int[] {31, 31, 31});
        if (all == null) {
            return new int[] {0};
        }
        boxes.add(all);
        while (boxes.size() < max) {
            Box widest = null;
            int axis = -1;
            long best = -1;
            for (Box bx : boxes) {
                for (int a = 0; a < 3; a++) {
                    long score = (long) (bx.hi()[a] - bx.lo()[a]) * bx.count();
                    if (bx.hi()[a] > bx.lo()[a] && score > best) {
                        best = score;
                        widest = bx;
                        axis = a;
                    }
                }
            }
            if (widest == null) {
                break;
            }
            int cut = median(hist, widest, axis);
            int[] leftHi = widest.hi().clone();
            leftHi[axis] = cut;
            int[] rightLo = widest.lo().clone();
            rightLo[axis] = cut + 1;
            boxes.remove(widest);
            Box left = shrink(hist, widest.lo().clone(), leftHi);
            Box right = shrink(hist, rightLo, widest.hi().clone());
            if (left != null) {
                boxes.add(left);
            }
            if (right != null) {
                boxes.add(right);
            }
        }
        int[] colours = new int[boxes.size()];
        for (int i = 0; i < colours.length; i++) {
            colours[i] = mean(hist, boxes.get(i));
        }
        return colours;
    }

    /** The box shrunk to the cells that hold pixels, with their count; null when it holds none. */
    private static Box shrink(int[] hist, int[] lo, int[] hi) {
        int[] nlo = {32, 32, 32};
        int[] nhi = {-1, -1, -1};
        long count = 0;
        for (int r = lo[0]; r <= hi[0]; r++) {
            for (int g = lo[1]; g <= hi[1]; g++) {
                for (int b = lo[2]; b <= hi[2]; b++) {
                    int c = hist[r << 10 | g << 5 | b];
                    if (c > 0) {
                        count += c;
                        int[] v = {r, g, b};
                        for (int a = 0; a < 3; a++) {
                            nlo[a] = Math.min(nlo[a], v[a]);
                            nhi[a] = Math.max(nhi[a], v[a]);
                        }
                    }
                }
            }
        }
        return count == 0 ? null : new Box(nlo, nhi, count);
    }

    /** The cell along {@code axis} at or after which half the box's pixels lie, leaving both halves non-empty. */
    private static int median(int[] hist, Box bx, int axis) {
        long[] perSlice = new long[32];
        for (int r = bx.lo()[0]; r <= bx.hi()[0]; r++) {
            for (int g = bx.lo()[1]; g <= bx.hi()[1]; g++) {
                for (int b = bx.lo()[2]; b <= bx.hi()[2]; b++) {
                    perSlice[axis == 0 ? r : axis == 1 ? g : b] += hist[r << 10 | g << 5 | b];
                }
            }
        }
        long seen = 0;
        for (int s = bx.lo()[axis]; s < bx.hi()[axis]; s++) {
            seen += perSlice[s];
            if (seen * 2 >= bx.count()) {
                return s;
            }
        }
        return bx.hi()[axis] - 1;
    }

    private static int mean(int[] hist, Box bx) {
        long sr = 0;
        long sg = 0;
        long sb = 0;
        for (int r = bx.lo()[0]; r <= bx.hi()[0]; r++) {
            for (int g = bx.lo()[1]; g <= bx.hi()[1]; g++) {
                for (int b = bx.lo()[2]; b <= bx.hi()[2]; b++) {
                    long c = hist[r << 10 | g << 5 | b];
                    sr += c * (r << 3 | 4);
                    sg += c * (g << 3 | 4);
                    sb += c * (b << 3 | 4);
                }
            }
        }
        long n = bx.count();
        return (int) (sr / n) << 16 | (int) (sg / n) << 8 | (int) (sb / n);
    }

    private static int nearest(int[] palette, int r, int g, int b) {
        int best = 0;
        int bestDistance = Integer.MAX_VALUE;
        for (int i = 0; i < palette.length; i++) {
            int dr = (palette[i] >> 16 & 0xff) - r;
            int dg = (palette[i] >> 8 & 0xff) - g;
            int db = (palette[i] & 0xff) - b;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }
}
