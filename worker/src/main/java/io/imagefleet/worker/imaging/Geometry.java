package io.imagefleet.worker.imaging;

import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Gravity;
import io.imagefleet.wire.Op;

import java.util.Locale;

/**
 * Sizes and placements computed from operations, shared by planning and applying them. The
 * arithmetic cannot overflow: a side that would pass {@link Integer#MAX_VALUE} saturates there
 * (the output limits then refuse it), and pixel counts are longs. Stateless.
 */
public final class Geometry {
    private Geometry() {
    }

    /** A width and a height in pixels. */
    public record Size(int width, int height) {
        /** The pixel count, exact for any two ints. */
        public long pixels() {
            return (long) width * height;
        }

        @Override
        public String toString() {
            return width + "x" + height + " (" + megapixels(pixels()) + ")";
        }
    }

    /** Pixels as megapixels with one decimal: {@code 576.0 MP}. */
    public static String megapixels(long pixels) {
        return String.format(Locale.ROOT, "%.1f MP", pixels / 1_000_000.0);
    }

    /**
     * The size a resize scales a {@code w x h} image to before any cut (for FILL, the covering
     * size; the cut to the box follows).
     */
    public static Size scaledSize(int w, int h, Op.Resize r) {
        if (r.fit() == Fit.EXACT) {
            return new Size(r.width(), r.height());
        }
        double sx = r.width() == null ? Double.NaN : (double) r.width() / w;
        double sy = r.height() == null ? Double.NaN : (double) r.height() / h;
        double scale;
        if (Double.isNaN(sx)) {
            scale = sy;
        } else if (Double.isNaN(sy)) {
            scale = sx;
        } else {
            scale = r.fit() == Fit.INSIDE ? Math.min(sx, sy) : Math.max(sx, sy);
        }
        if (!r.upscale() && scale > 1) {
            scale = 1;
        }
        return new Size(side(w * scale), side(h * scale));
    }

    /** A side from a real length: rounded, at least 1, and at most {@link Integer#MAX_VALUE} instead of wrapping. */
    static int side(double length) {
        if (!(length < Integer.MAX_VALUE)) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, Math.round(length));
    }

    /** The size a resize ends at: the box for FILL (cut from the covering size), else the scaled size. */
    public static Size finalSize(int w, int h, Op.Resize r) {
        Size s = scaledSize(w, h, r);
        if (r.fit() == Fit.FILL) {
            return new Size(Math.min(s.width(), r.width()), Math.min(s.height(), r.height()));
        }
        return s;
    }

    /** Whether a {@code cw x ch} box at {@code x, y} lies inside a {@code w x h} image, without overflowing. */
    public static boolean inside(long x, long y, long cw, long ch, int w, int h) {
        return x >= 0 && y >= 0 && x + cw <= w && y + ch <= h;
    }

    /** The top-left corner of a {@code cw x ch} box placed by gravity inside a {@code w x h} image. */
    public static int[] place(int w, int h, int cw, int ch, Gravity g) {
        int x = switch (g) {
            case WEST, NORTHWEST, SOUTHWEST -> 0;
            case EAST, NORTHEAST, SOUTHEAST -> w - cw;
            default -> (w - cw) / 2;
        };
        int y = switch (g) {
            case NORTH, NORTHEAST, NORTHWEST -> 0;
            case SOUTH, SOUTHEAST, SOUTHWEST -> h - ch;
            default -> (h - ch) / 2;
        };
        return new int[] {x, y};
    }
}
