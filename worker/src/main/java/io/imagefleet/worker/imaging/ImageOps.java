package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.FlipDirection;
import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Op;
import io.imagefleet.worker.pipeline.JobDeadline;
import io.imagefleet.worker.pipeline.JobFailure;

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
     *                    it), TIMEOUT when the deadline passes between two operations
     */
    public BufferedImage apply(BufferedImage image, List<Op> ops, Geometry.Size source, JobDeadline deadline)
            throws JobFailure {
        BufferedImage current = image;
        Geometry.Size logical = source;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            if (op instanceof Op.Resize r && logical != null) {
                current = resize(current, r, logical);
            } else {
                current = apply(current, op, i);
            }
            if (op instanceof Op.Rotate rot && logical != null && rot.degrees() != 180) {
                logical = new Geometry.Size(logical.height(), logical.width());
            } else if (!(op instanceof Op.Flip || op instanceof Op.Grayscale || op instanceof Op.Rotate)) {
                logical = null; // from here on the image's own size is the truth
            }
            deadline.check("applying ops[" + i + "] (" + opName(op) + ")");
        }
        return current;
    }

    private static String opName(Op op) {
        return op.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private BufferedImage apply(BufferedImage img, Op op, int index) throws JobFailure {
        return switch (op) {
            case Op.Resize r -> resize(img, r, new Geometry.Size(img.getWidth(), img.getHeight()));
            case Op.Crop c -> crop(img, c, index);
            case Op.Rotate r -> rotate(img, r.degrees());
            case Op.Flip f -> flip(img, f.direction());
            case Op.Grayscale g -> grayscale(img);
            case Op.Blur b -> Gaussian.blur(img, b.sigma());
            case Op.Sharpen s -> sharpen(img, s.sigma());
        };
    }

    /** Resizes to the size the resize gives a {@code logical} image (the decoded image may be smaller). */
    private static BufferedImage resize(BufferedImage img, Op.Resize r, Geometry.Size logical) {
        Geometry.Size scaled = Geometry.scaledSize(logical.width(), logical.height(), r);
        BufferedImage out = Resizer.scale(img, scaled.width(), scaled.height());
        if (r.fit() == Fit.FILL) {
            Geometry.Size box = Geometry.finalSize(logical.width(), logical.height(), r);
            int[] at = Geometry.place(out.getWidth(), out.getHeight(), box.width(), box.height(), r.gravity());
            out = copy(out.getSubimage(at[0], at[1], box.width(), box.height()));
        }
        return out;
    }

    private static BufferedImage crop(BufferedImage img, Op.Crop c, int index) throws JobFailure {
        int w = img.getWidth();
        int h = img.getHeight();
        int cw = c.width();
        int ch = c.height();
        int x;
        int y;
        if (c.x() != null) {
            x = c.x();
            y = c.y();
            if (x + cw > w || y + ch > h) {
                throw new JobFailure(ErrorCode.PROCESS_FAILED, "ops[" + index + "]: crop " + cw + "x" + ch + " at "
                        + x + "," + y + " lies outside the " + w + "x" + h + " image");
            }
        } else {
            cw = Math.min(cw, w);
            ch = Math.min(ch, h);
            int[] at = Geometry.place(w, h, cw, ch, c.gravity());
            x = at[0];
            y = at[1];
        }
        return copy(img.getSubimage(x, y, cw, ch));
    }

    private static BufferedImage rotate(BufferedImage img, int degrees) {
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

    private static BufferedImage flip(BufferedImage img, FlipDirection d) {
        AffineTransform t = d == FlipDirection.HORIZONTAL
                ? new AffineTransform(-1, 0, 0, 1, img.getWidth(), 0)
                : new AffineTransform(1, 0, 0, -1, 0, img.getHeight());
        return transform(img, blank(img, img.getWidth(), img.getHeight()), t);
    }

    private static BufferedImage grayscale(BufferedImage img) {
        BufferedImage dst = blank(img, img.getWidth(), img.getHeight());
        int[] row = new int[img.getWidth()];
        for (int y = 0; y < img.getHeight(); y++) {
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

    private static BufferedImage sharpen(BufferedImage img, double sigma) {
        // Unsharp mask: original + (original - blurred).
        BufferedImage blurred = Gaussian.blur(img, sigma);
        BufferedImage dst = blank(img, img.getWidth(), img.getHeight());
        int[] a = new int[img.getWidth()];
        int[] b = new int[img.getWidth()];
        for (int y = 0; y < img.getHeight(); y++) {
            img.getRGB(0, y, a.length, 1, a, 0, a.length);
            blurred.getRGB(0, y, b.length, 1, b, 0, b.length);
            for (int x = 0; x < a.length; x++) {
                int p = a[x];
                int q = b[x];
                int r = clamp(2 * ((p >> 16) & 0xff) - ((q >> 16) & 0xff));
                int g = clamp(2 * ((p >> 8) & 0xff) - ((q >> 8) & 0xff));
                int bl = clamp(2 * (p & 0xff) - (q & 0xff));
                a[x] = (p & 0xff000000) | (r << 16) | (g << 8) | bl;
            }
            dst.setRGB(0, y, a.length, 1, a, 0, a.length);
        }
        return dst;
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
