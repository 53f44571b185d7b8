package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/**
 * Whole images as arrays of packed (A)RGB ints and back, fast: an int-packed image is copied as
 * one array (the per-pixel colour conversion of {@code getRGB} costs about a second for 24 MP);
 * any other image is converted a band of rows at a time, with the deadline checked between
 * bands. Stateless.
 */
final class Pixels {
    private static final int BAND_ROWS = 64;

    private Pixels() {
    }

    /**
     * A fresh array of the image's pixels as non-premultiplied ARGB, row after row. For an opaque
     * int-packed image the alpha byte may be zero; callers treat opaque images as opaque.
     */
    static int[] argb(BufferedImage img, JobDeadline deadline) throws JobFailure {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] out = new int[Math.multiplyExact(w, h)];
        if (isPacked(img)) {
            int[] data = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
            System.arraycopy(data, 0, out, 0, out.length);
            return out;
        }
        for (int y = 0; y < h; y += BAND_ROWS) {
            deadline.check("reading pixels");
            int rows = Math.min(BAND_ROWS, h - y);
            img.getRGB(0, y, w, rows, out, y * w, w);
        }
        return out;
    }

    /** An int-packed image over the array (not copied): TYPE_INT_ARGB with alpha, else TYPE_INT_RGB. */
    static BufferedImage image(int[] argb, int w, int h, boolean alpha) {
        DirectColorModel cm = alpha ? (DirectColorModel) ColorModel.getRGBdefault()
                : new DirectColorModel(24, 0xff0000, 0xff00, 0xff);
        int[] masks = alpha ? new int[] {0xff0000, 0xff00, 0xff, 0xff000000} : new int[] {0xff0000, 0xff00, 0xff};
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(argb, argb.length), w, h, w, masks, null);
        return new BufferedImage(cm, raster, false, null);
    }

    /** Whether the image is TYPE_INT_RGB or TYPE_INT_ARGB, one int a pixel, row after row, from the start of its array. */
    static boolean isPacked(BufferedImage img) {
        WritableRaster r = img.getRaster();
        return (img.getType() == BufferedImage.TYPE_INT_RGB || img.getType() == BufferedImage.TYPE_INT_ARGB)
                && r.getSampleModelTranslateX() == 0 && r.getSampleModelTranslateY() == 0
                && r.getSampleModel() instanceof SinglePixelPackedSampleModel sm && sm.getScanlineStride() == img.getWidth()
                && r.getDataBuffer() instanceof DataBufferInt db && db.getNumBanks() == 1 && db.getOffset() == 0;
    }
}
