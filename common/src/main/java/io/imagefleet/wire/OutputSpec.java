package io.imagefleet.wire;

import java.util.List;

/**
 * One variant to make from the job's single decode: its name (part of the output file name),
 * the operations in order, the encoding, and the directory it is stored in. Immutable.
 *
 * @param name        1-64 of {@code [A-Za-z0-9._-]}, unique within the job
 * @param ops         applied in order; may be empty (a format conversion)
 * @param format      the output format
 * @param quality     1-100 for lossy formats; null means the format's default (85 for JPEG)
 * @param target      a directory URI: {@code file:///...} or an {@code https://} presigned prefix
 * @param progressive JPEG only: write a progressive JPEG
 * @param lossless    WebP only: lossless encoding
 * @param background  {@code #rrggbb} laid under transparent pixels when the format has no alpha;
 *                    null means the worker's default (white)
 */
public record OutputSpec(
        String name,
        List<Op> ops,
        Format format,
        Integer quality,
        String target,
        Boolean progressive,
        Boolean lossless,
        String background) {

    public OutputSpec {
        ops = ops == null ? List.of() : List.copyOf(ops);
        progressive = progressive != null && progressive;
        lossless = lossless != null && lossless;
    }

    /** An output with the given operations and no format options. */
    public static OutputSpec of(String name, List<Op> ops, Format format, Integer quality, String target) {
        return new OutputSpec(name, ops, format, quality, target, null, null, null);
    }
}
