package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Fit;
import io.imagefleet.wire.FlipDirection;
import io.imagefleet.wire.Op;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Applies a list of operations, in order, to an sRGB image. The input image is never modified;
 * each step makes a new one. When the image was decoded smaller than the source (shrink-on-load),
 * the first resize still lands on the size computed from the source's own dimensions, so the
 * output size never depends on the subsampling. Stateless and thread-safe.
 */
public final class ImageOps {

    /**
     * Applies the operations.
     *
     * @param source the size of the source image (upright), which the decoded image may be a
     *               subsampled version of
     * @throws JobFailure PROCESS_FAILED when an operation does not fit the image (a crop outside
     *                    it), TIMEOUT when the deadline passes during or between operations
     */
    public BufferedImage apply(BufferedImage image, List<Op> ops, Geometry.Size source, JobDeadline deadline)
            throws JobFailure {
        BufferedImage current = image;
        Geometry.Size logical = source;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            OpTable.Entry<?> entry = OpTable.of(op);
            Geometry.Size own = new Geometry.Size(current.getWidth(), current.getHeight());
            try {
                current = entry.apply(current, op, new OpTable.Step(i, logical == null ? own : logical, deadline));
            } catch (JobFailure f) {
                throw f.code() == ErrorCode.TIMEOUT ? deadline.timedOut("applying ops[" + i + "] (" + entry.name() + ")") : f;
            }
            // Until the first operation that needs real pixels, sizes follow the source's, not the subsampled decode's.
            logical = logical != null && entry.shrink() == OpTable.Shrink.PASSES ? entry.size(logical, op, i) : null;
            deadline.check("applying ops[" + i + "] (" + entry.name() + ")");
        }
        return current;
    }

    /** Resizes to the size the resize gives a {@code logical} image (the decoded image may be smaller). */
    static BufferedImage resize(BufferedImage img, Op.Resize r, Geometry.Size logical, JobDeadline deadline)
            throws JobFailure {
        Geometry.Size scaled = Geometry.scaledSize(logical.width(), logical.height(), r);
        BufferedImage out = Resizer.scale(img, scaled.width(), scaled.height(), deadline);
        if (r.fit() == Fit.FILL) {
            Geometry.Size box = Geometry.finalSize(logical.width(), logical.height(), r);
            int[] at = Geometry.place(out.getWidth(), out.getHeight(), box.width(), box.height(), r.gravity());
            out = copy(out.getSubimage(at[0], at[1], box.width(), box.height()));
        }
        return out;
    }

    static BufferedImage crop(BufferedImage img, Op.Crop c, int index) throws JobFailure {
        int w = img.getWidth();
        int h = img.getHeight();
        Geometry.Size box = OpTable.of(c).size(new Geometry.Size(w, h), c, index);
        int x;
        int y;
        if (c.x() != null) {
            x = c.x();
            y = c.y();
        } else {
            int[] at = Geometry.place(w, h, box.width(), box.height(), c.gravity());
            x = at[0];
            y = at[1];
        }
        return copy(img.getSubimage(x, y, box.width(), box.height()));
    }

    static BufferedImage rotate(BufferedImage img, int degrees) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean swap = degrees != 180;
        BufferedImage dst = blank(img, swap ? h : w, swap ? w : h);
        AffineTransform t = new AffineTransform();
        switch (degrees) {
            case 90 -> {
                t.translate(h, 0);
                t.quadrantRotate(1);
            }
            case 180 -> {
                t.translate(w, h);
                t.quadrantRotate(2);
            }
            default -> {
                t.translate(0, w);
                t.quadrantRotate(3);
            }
        }
        return transform(img, dst, t);
    }

    static BufferedImage flip(BufferedImage img, FlipDirection d) {
        AffineTransform t = d == FlipDirection.HORIZONTAL
                ? new AffineTransform(-1, 0, 0, 1, img.getWidth(), 0)
                : new AffineTransform(1, 0, 0, -1, 0, img.getHeight());
        return transform(img, blank(img, img.getWidth(), img.getHeight()), t);
    }

    static BufferedImage grayscale(BufferedImage img, JobDeadline deadline) throws JobFailure {
        BufferedImage dst = blank(img, img.getWidth(), img.getHeight());
        int[] row = new int[img.getWidth()];
        for (int y = 0; y < img.getHeight(); y++) {
            deadline.check("converting to grey");
            img.getRGB(0, y, row.length, 1, row, 0, row.length);
            for (int x = 0; x < row.length; x++) {
                int p = row[x];
                // Rec. 709 luma on the sRGB values.
                int l = (int) Math.round(0.2126 * ((p >> 16) & 0xff) + 0.7152 * ((p >> 8) & 0xff) + 0.0722 * (p & 0xff));
                row[x] = (p & 0xff000000) | (l << 16) | (l << 8) | l;
            }
            dst.setRGB(0, y, row.length, 1, row, 0, row.length);
        }
        return dst;
    }

    static BufferedImage sharpen(BufferedImage img, double sigma, JobDeadline deadline) throws JobFailure {
        // Unsharp mask: original + (original - blurred).
        int[] blurred = Pixels.argb(Gaussian.blur(img, sigma, deadline), deadline);
        int[] a = Pixels.argb(img, deadline);
        int w = img.getWidth();
        for (int y = 0; y < img.getHeight(); y++) {
            deadline.check("sharpening");
            for (int i = y * w; i < (y + 1) * w; i++) {
                int p = a[i];
                int q = blurred[i];
                int r = clamp(2 * ((p >> 16) & 0xff) - ((q >> 16) & 0xff));
                int g = clamp(2 * ((p >> 8) & 0xff) - ((q >> 8) & 0xff));
                int bl = clamp(2 * (p & 0xff) - (q & 0xff));
                a[i] = (p & 0xff000000) | (r << 16) | (g << 8) | bl;
            }
        }
        return Pixels.image(a, w, img.getHeight(), img.getColorModel().hasAlpha());
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    private static BufferedImage transform(BufferedImage src, BufferedImage dst, AffineTransform t) {
        Graphics2D g = dst.createGraphics();
        try {
            g.drawImage(src, t, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    private static BufferedImage blank(BufferedImage like, int w, int h) {
        return new BufferedImage(w, h, like.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    }

    private static BufferedImage copy(BufferedImage sub) {
        BufferedImage dst = blank(sub, sub.getWidth(), sub.getHeight());
        Graphics2D g = dst.createGraphics();
        try {
            g.drawImage(sub, 0, 0, null);
        } finally {
            g.dispose();
        }
        return dst;
    }
}
