package io.imagefleet.worker.admission;

import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.ProbeResult;

import java.util.List;
import java.util.Locale;

/**
 * The most heap one job holds live at once, estimated from its header before anything is
 * decoded: while decoding, the reader's raster plus its sRGB copy; then, for each output in turn
 * (earlier outputs are garbage by then), the decoded image plus the two largest neighbouring
 * images of the output's operations (a resize counts each halving step) plus the encoder's
 * buffers. Images are 4 bytes a pixel once in sRGB; a reader's own raster is counted at 4 bytes
 * a pixel, or 8 for formats that can hold 16-bit samples. Stateless.
 */
public final class PeakEstimate {
    private static final long SRGB_BYTES = 4;

    private PeakEstimate() {
    }

    /** The estimated peak of live bytes for decoding {@code header} subsampled by {@code factor}, then making the outputs. */
    public static long bytes(ProbeResult header, int factor, List<OutputSpec> outputs) {
        int w = ceilDiv(header.width(), factor);
        int h = ceilDiv(header.height(), factor);
        long decoded = (long) w * h * SRGB_BYTES;
        long decoding = (long) w * h * rawBytesPerPixel(header.format()) + decoded;
        long making = 0;
        for (OutputSpec out : outputs) {
            making = Math.max(making, decoded + output(w, h, out.ops()));
        }
        return Math.max(decoding, making);
    }

    /** Human-readable bytes: {@code 153.6 MiB}. */
    public static String format(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** The peak of one output's chain on top of the decoded image: two neighbouring images, then the encoder. */
    private static long output(int w, int h, List<Op> ops) {
        long previous = 0;
        long peak = 0;
        int cw = w;
        int ch = h;
        for (Op op : ops) {
            switch (op) {
                case Op.Resize r -> {
                    Geometry.Size target = Geometry.scaledSize(cw, ch, r);
                    // Progressive halving, as the resizer does it, then the final step.
                    while (cw / 2 >= target.width() && ch / 2 >= target.height()) {
                        cw /= 2;
                        ch /= 2;
                        long step = image(cw, ch);
                        peak = Math.max(peak, previous + step);
                        previous = step;
                    }
                    Geometry.Size last = Geometry.finalSize(cw, ch, r);
                    long step = image(target.width(), target.height())
                            + (r.fit() == Fit.FILL ? image(last.width(), last.height()) : 0);
                    peak = Math.max(peak, previous + step);
                    cw = last.width();
                    ch = last.height();
                    previous = image(cw, ch);
                }
                case Op.Crop c -> {
                    cw = Math.min(cw, c.width());
                    ch = Math.min(ch, c.height());
                    long step = image(cw, ch);
                    peak = Math.max(peak, previous + step);
                    previous = step;
                }
                case Op.Rotate r -> {
                    if (r.degrees() != 180) {
                        int t = cw;
                        cw = ch;
                        ch = t;
                    }
                    long step = image(cw, ch);
                    peak = Math.max(peak, previous + step);
                    previous = step;
                }
                // A blur keeps a padded copy, two passes and the result; sharpening adds its own result.
                case Op.Blur b -> {
                    long step = 4 * image(cw, ch);
                    peak = Math.max(peak, previous + step);
                    previous = image(cw, ch);
                }
                case Op.Sharpen s -> {
                    long step = 5 * image(cw, ch);
                    peak = Math.max(peak, previous + step);
                    previous = image(cw, ch);
                }
                case Op.Flip f -> {
                    long step = image(cw, ch);
                    peak = Math.max(peak, previous + step);
                    previous = step;
                }
                case Op.Grayscale g -> {
                    long step = image(cw, ch);
                    peak = Math.max(peak, previous + step);
                    previous = step;
                }
            }
        }
        // Encoding: a flattened copy when alpha goes to a format without it, and the byte buffer growing.
        long encode = image(cw, ch) + (long) cw * ch;
        return Math.max(peak, previous + encode);
    }

    private static long image(int w, int h) {
        return (long) w * h * SRGB_BYTES;
    }

    private static long rawBytesPerPixel(String format) {
        return switch (format == null ? "" : format) {
            case "png", "tiff", "psd", "sgi", "pnm" -> 8;
            default -> 4;
        };
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
