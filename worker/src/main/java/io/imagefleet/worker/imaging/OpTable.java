package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Op;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every image operation's rules in one place: its wire name, the size it makes, how it lets
 * shrink-on-load through, the heap it holds while it runs, and how it is applied. {@link ImageOps}
 * applies by it, {@code DecodePlan} plans the decode by it, {@code PeakEstimate} and the output
 * limits size jobs by it, so adding an operation adds its record to the wire's {@code Op} and one
 * entry here. Sizes are those of the logical (upright, full-resolution) image. Immutable.
 */
public final class OpTable {
    /** Bytes a pixel of an sRGB image takes on the heap (one int). */
    public static final long PIXEL_BYTES = 4;

    /** How an operation placed before the first resize affects decoding at reduced size. */
    public enum Shrink {
        /** Size-free (rotation, flip, grey): shrink-on-load passes through it to the resize after it. */
        PASSES,
        /** The resize: its size decides how far the decode may shrink. */
        DECIDES,
        /** Needs every source pixel (a crop's coordinates, a blur's radius are in source pixels). */
        BLOCKS
    }

    /** Where an operation runs: its position in the output's list, the image's logical size, the job's deadline. */
    record Step(int index, Geometry.Size logical, JobDeadline deadline) {
    }

    @FunctionalInterface
    private interface SizeRule<O extends Op> {
        Geometry.Size of(Geometry.Size in, O op, int index) throws JobFailure;
    }

    @FunctionalInterface
    private interface CostRule<O extends Op> {
        long bytes(Geometry.Size in, O op);
    }

    @FunctionalInterface
    private interface Action<O extends Op> {
        BufferedImage apply(BufferedImage img, O op, Step step) throws JobFailure;
    }

    /** One operation's rules. */
    public static final class Entry<O extends Op> {
        private final Class<O> type;
        private final String name;
        private final Shrink shrink;
        private final SizeRule<O> size;
        private final CostRule<O> cost;
        private final Action<O> action;

        private Entry(Class<O> type, String name, Shrink shrink, SizeRule<O> size, CostRule<O> cost, Action<O> action) {
            this.type = type;
            this.name = name;
            this.shrink = shrink;
            this.size = size;
            this.cost = cost;
            this.action = action;
        }

        /** The name in the job's {@code op} field. */
        public String name() {
            return name;
        }

        public Shrink shrink() {
            return shrink;
        }

        /**
         * The logical size the operation makes of an {@code in}-sized image.
         *
         * @throws JobFailure PROCESS_FAILED when the operation does not fit the image (a crop outside it)
         */
        public Geometry.Size size(Geometry.Size in, Op op, int index) throws JobFailure {
            return size.of(in, type.cast(op), index);
        }

        /** The most heap the operation holds at once while it runs on an {@code in}-sized image, besides its input. */
        public long peakBytes(Geometry.Size in, Op op) {
            return cost.bytes(in, type.cast(op));
        }

        BufferedImage apply(BufferedImage img, Op op, Step step) throws JobFailure {
            return action.apply(img, type.cast(op), step);
        }
    }

    private static final Map<Class<? extends Op>, Entry<?>> ENTRIES = new LinkedHashMap<>();

    static {
        add(new Entry<>(Op.Resize.class, "resize", Shrink.DECIDES,
                (in, r, i) -> Geometry.finalSize(in.width(), in.height(), r),
                OpTable::resizeBytes,
                (img, r, s) -> ImageOps.resize(img, r, s.logical(), s.deadline())));
        add(new Entry<>(Op.Crop.class, "crop", Shrink.BLOCKS,
                OpTable::cropSize,
                (in, c) -> image(cropBox(in, c)),
                (img, c, s) -> ImageOps.crop(img, c, s.index())));
        add(new Entry<>(Op.Rotate.class, "rotate", Shrink.PASSES,
                (in, r, i) -> r.degrees() == 180 ? in : new Geometry.Size(in.height(), in.width()),
                (in, r) -> image(in),
                (img, r, s) -> ImageOps.rotate(img, r.degrees())));
        add(new Entry<>(Op.Flip.class, "flip", Shrink.PASSES,
                (in, f, i) -> in,
                (in, f) -> image(in),
                (img, f, s) -> ImageOps.flip(img, f.direction())));
        add(new Entry<>(Op.Grayscale.class, "grayscale", Shrink.PASSES,
                (in, g, i) -> in,
                (in, g) -> image(in),
                (img, g, s) -> ImageOps.grayscale(img, s.deadline())));
        // A blur works in place on one copy of the pixels, which becomes its result; some slack for a converted source.
        add(new Entry<>(Op.Blur.class, "blur", Shrink.BLOCKS,
                (in, b, i) -> in,
                (in, b) -> 2 * image(in),
                (img, b, s) -> Gaussian.blur(img, b.sigma(), s.deadline())));
        // Sharpening holds the blurred copy and its own result besides.
        add(new Entry<>(Op.Sharpen.class, "sharpen", Shrink.BLOCKS,
                (in, sh, i) -> in,
                (in, sh) -> 3 * image(in),
                (img, sh, s) -> ImageOps.sharpen(img, sh.sigma(), s.deadline())));
    }

    private OpTable() {
    }

    private static void add(Entry<?> e) {
        ENTRIES.put(e.type, e);
    }

    /** The rules of an operation. */
    public static Entry<?> of(Op op) {
        Entry<?> e = ENTRIES.get(op.getClass());
        if (e == null) {
            throw new IllegalStateException("operation " + op.getClass().getName() + " has no entry in the op table");
        }
        return e;
    }

    /** Every entry, in the order of the wire's list of operations. */
    public static List<Entry<?>> entries() {
        return List.copyOf(ENTRIES.values());
    }

    /** The heap an sRGB image of the size takes. */
    public static long image(Geometry.Size s) {
        return s.pixels() > Long.MAX_VALUE / PIXEL_BYTES ? Long.MAX_VALUE : s.pixels() * PIXEL_BYTES;
    }

    /** a + b for non-negative values, at most {@link Long#MAX_VALUE}. */
    private static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static Geometry.Size cropSize(Geometry.Size in, Op.Crop c, int index) throws JobFailure {
        if (c.x() != null && !Geometry.inside(c.x(), c.y(), c.width(), c.height(), in.width(), in.height())) {
            throw new JobFailure(ErrorCode.PROCESS_FAILED, "ops[" + index + "]: crop " + c.width() + "x" + c.height()
                    + " at " + c.x() + "," + c.y() + " lies outside the " + in.width() + "x" + in.height() + " image");
        }
        return cropBox(in, c);
    }

    private static Geometry.Size cropBox(Geometry.Size in, Op.Crop c) {
        return c.x() != null ? new Geometry.Size(c.width(), c.height())
                : new Geometry.Size(Math.min(c.width(), in.width()), Math.min(c.height(), in.height()));
    }

    /** Progressive halving as the resizer does it, two neighbouring steps live at once, then the final step (and FILL's cut). */
    private static long resizeBytes(Geometry.Size in, Op.Resize r) {
        Geometry.Size target = Geometry.scaledSize(in.width(), in.height(), r);
        if (target.equals(in) && r.fit() != Fit.FILL) {
            return 0; // the resizer hands the image back
        }
        long previous = 0;
        long peak = 0;
        int w = in.width();
        int h = in.height();
        while (w / 2 >= target.width() && h / 2 >= target.height()) {
            w /= 2;
            h /= 2;
            long step = image(new Geometry.Size(w, h));
            peak = Math.max(peak, plus(previous, step));
            previous = step;
        }
        long last = plus(image(target), r.fit() == Fit.FILL ? image(Geometry.finalSize(in.width(), in.height(), r)) : 0);
        return Math.max(peak, plus(previous, last));
    }
}
