package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/**
 * High-quality scaling: large reductions halve the image with bilinear filtering until within a
 * factor of two of the target, then one bicubic step lands on it (progressive halving), which
 * keeps detail without the aliasing of a single nearest or bilinear step. An opaque image is
 * halved by averaging each 2x2 block of its pixels, which is what bilinear filtering computes at
 * exactly half size (the same pixels) at a third of Java2D's cost. Stateless.
 */
final class Resizer {
    private Resizer() {
    }

    /** Rows of the output drawn between two deadline checks: about a million pixels at a time. */
    private static final long BAND_PIXELS = 1 << 20;

    static BufferedImage scale(BufferedImage src, int width, int height, JobDeadline deadline) throws JobFailure {
        if (src.getWidth() == width && src.getHeight() == height) {
            return src;
        }
        BufferedImage current = src;
        int w = src.getWidth();
        int h = src.getHeight();
        while (w / 2 >= width && h / 2 >= height) {
            w /= 2;
            h /= 2;
            current = isPlainRgb(current) ? halve(current, w, h, deadline)
                    : draw(current, w, h, RenderingHints.VALUE_INTERPOLATION_BILINEAR, deadline);
        }
        return draw(current, width, height, RenderingHints.VALUE_INTERPOLATION_BICUBIC, deadline);
    }

    /** Whether the image is opaque 0xRRGGBB ints, one per pixel, row after row, from the start of its array. */
    private static boolean isPlainRgb(BufferedImage img) {
        WritableRaster r = img.getRaster();
        return img.getType() == BufferedImage.TYPE_INT_RGB
                && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
                && r.getSampleModel() instanceof SinglePixelPackedSampleModel sm && sm.getScanlineStride() == img.getWidth()
                && r.getDataBuffer() instanceof DataBufferInt db && db.getNumBanks() == 1 && db.getOffset() == 0;
    }

    /**
     * Each w x h output pixel is the rounded mean of the 2x2 source block under it, channel by
     * channel. For even sizes this is pixel for pixel what Java2D's bilinear scaling to half size
     * gives; from an odd size the last row or column is left out rather than spread over the rest.
     */
    static BufferedImage halve(BufferedImage src, int w, int h, JobDeadline deadline) throws JobFailure {
        int stride = src.getWidth();
        int[] in = ((DataBufferInt) src.getRaster().getDataBuffer()).getData();
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] out = ((DataBufferInt) dst.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            if ((y & 63) == 0) {
                deadline.check("resizing");
            }
            int top = 2 * y * stride;
            int bottom = top + stride;
            int o = y * w;
            for (int x = 0; x < w; x++, top += 2, bottom += 2) {
                int p = in[top];
                int q = in[top + 1];
                int r = in[bottom];
                int s = in[bottom + 1];
                // Red and blue side by side in one int, green in another: four pixels summed cannot overflow a byte pair.
                int rb = (p & 0xff00ff) + (q & 0xff00ff) + (r & 0xff00ff) + (s & 0xff00ff) + 0x020002;
                int g = (p & 0xff00) + (q & 0xff00) + (r & 0xff00) + (s & 0xff00) + 0x0200;
                out[o + x] = ((rb >> 2) & 0xff00ff) | ((g >> 2) & 0xff00);
            }
        }
        return dst;
    }

    /**
     * Scales by Java2D in bands of rows, clipped, so the deadline is checked between bands; each
     * band is drawn with the same transform, so the pixels are those of one whole draw.
     */
    private static BufferedImage draw(BufferedImage src, int w, int h, Object interpolation, JobDeadline deadline)
            throws JobFailure {
        int type = src.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage dst = new BufferedImage(w, h, type);
        int band = (int) Math.max(1, Math.min(h, BAND_PIXELS / w));
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            for (int y = 0; y < h; y += band) {
                deadline.check("resizing");
                g.setClip(0, y, w, Math.min(band, h - y));
                g.drawImage(src, 0, 0, w, h, null);
            }
        } finally {
            g.dispose();
        }
        return dst;
    }
}
