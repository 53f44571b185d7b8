package io.imagefleet.worker.imaging;

import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Gravity;
import io.imagefleet.wire.Op;

/** Sizes and placements computed from operations, shared by planning and applying them. Stateless. */
public final class Geometry {
    private Geometry() {
    }

    /** A width and a height in pixels. */
    public record Size(int width, int height) {
    }

    /**
     * The size a resize scales a {@code w x h} image to before any cut (for FILL, the covering
     * size; the cut to the box follows).
     */
    public static Size scaledSize(int w, int h, Op.Resize r) {
        double sx = r.width() == null ? Double.NaN : (double) r.width() / w;
        double sy = r.height() == null ? Double.NaN : (double) r.height() / h;
        if (r.fit() == Fit.EXACT) {
            return new Size(r.width(), r.height());
        }
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
        return new Size(Math.max(1, (int) Math.round(w * scale)), Math.max(1, (int) Math.round(h * scale)));
    }

    /** The size a resize ends at: the box for FILL (cut from the covering size), else the scaled size. */
    public static Size finalSize(int w, int h, Op.Resize r) {
        Size s = scaledSize(w, h, r);
        if (r.fit() == Fit.FILL) {
            return new Size(Math.min(s.width(), r.width()), Math.min(s.height(), r.height()));
        }
        return s;
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
