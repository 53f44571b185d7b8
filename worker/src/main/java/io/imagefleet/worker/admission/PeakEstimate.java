package io.imagefleet.worker.admission;

import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Animator;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.OpTable;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobFailure;

import java.util.List;
import java.util.Locale;

/**
 * The most heap one job holds live at once, estimated from its header before anything is
 * decoded: while decoding, the reader's raster plus its sRGB copy; then, for each output in turn
 * (earlier outputs are garbage by then), the decoded image plus what each of the output's
 * operations holds while it runs (by {@link OpTable}: a resize counts each halving step) plus the
 * encoder's buffers. An output that keeps the animation of an animated source ({@link
 * Animator#framesOf}) works frame by frame at full size whatever the subsampling: on top of the
 * decoded image, the canvas, the frame the reader decoded (or the canvas turned upright), the
 * copy a GIF frame's disposal may restore, and the output's operations and encoding on one
 * full-size frame (the frame count does not add heap: frames are encoded one at a time,
 * and the animation encoders' buffers are native). Images are 4 bytes a pixel once in sRGB; a reader's own raster is counted at
 * 4 bytes a pixel, or 8 for formats that can hold 16-bit samples. Sums saturate at
 * {@link Long#MAX_VALUE} instead of wrapping. Stateless.
 */
public final class PeakEstimate {
    private PeakEstimate() {
    }

    /**
     * The estimated peak of live bytes for decoding {@code header} subsampled by {@code factor},
     * then making the outputs.
     *
     * @param upright the source's size after its EXIF orientation, the size the operations see
     * @throws JobFailure PROCESS_FAILED when an operation does not fit the image (a crop outside it)
     */
    public static long bytes(ProbeResult header, Geometry.Size upright, int factor, List<OutputSpec> outputs)
            throws JobFailure {
        Geometry.Size decodedSize = new Geometry.Size(ceilDiv(upright.width(), factor), ceilDiv(upright.height(), factor));
        long decoded = OpTable.image(decodedSize);
        long decoding = plus(times(decodedSize.pixels(), rawBytesPerPixel(header.format())), decoded);
        long making = 0;
        for (OutputSpec out : outputs) {
            long chain = Animator.framesOf(out, header) > 1
                    ? plus(times(OpTable.image(upright), 3), output(upright, upright, out.ops()))
                    : output(decodedSize, upright, out.ops());
            making = Math.max(making, plus(decoded, chain));
        }
        return Math.max(decoding, making);
    }

    /** Human-readable bytes: {@code 153.6 MiB}. */
    public static String format(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** The peak of one output's chain on top of the decoded image: each operation with its input, then the encoder. */
    private static long output(Geometry.Size decoded, Geometry.Size upright, List<Op> ops) throws JobFailure {
        Geometry.Size actual = decoded;
        Geometry.Size logical = upright;
        long input = 0; // the decoded image is counted by the caller
        long peak = 0;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            OpTable.Entry<?> entry = OpTable.of(op);
            peak = Math.max(peak, plus(input, entry.peakBytes(actual, op)));
            Geometry.Size next = entry.size(logical != null && entry.shrink() != OpTable.Shrink.BLOCKS ? logical : actual, op, i);
            logical = logical != null && entry.shrink() == OpTable.Shrink.PASSES ? next : null;
            actual = next;
            input = OpTable.image(actual);
        }
        // Encoding: a flattened copy when alpha goes to a format without it, and the byte buffer growing.
        long encode = plus(OpTable.image(actual), actual.pixels());
        return Math.max(peak, plus(input, encode));
    }

    private static long rawBytesPerPixel(String format) {
        return switch (format == null ? "" : format) {
            case "png", "tiff", "psd", "sgi", "pnm" -> 8;
            default -> 4;
        };
    }

    /** a + b for non-negative values, at most {@link Long#MAX_VALUE}. */
    static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long times(long a, long b) {
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    private static int ceilDiv(int a, int b) {
        return (int) (((long) a + b - 1) / b);
    }
}
