package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One variant to make from the job's single decode: its name (part of the output file name),
 * the operations in order, the encoding, and the directory it is stored in. Immutable.
 *
 * @param name        1-64 of {@code [A-Za-z0-9._-]}, unique within the job
 * @param ops         applied in order; may be empty (a format conversion)
 * @param format      the output format
 * @param quality     1-100 for lossy formats; null means the format's default (85 for JPEG)
 * @param target      a directory-like prefix: {@code s3://bucket/prefix/}, {@code file:///...} or an
 *                    {@code https://} prefix for stores that grant one; the output is stored at
 *                    {@code <target><job id>-<name>.<ext>}. Exactly one of target and uri.
 * @param progressive JPEG only: write a progressive JPEG
 * @param lossless    WebP only: lossless encoding
 * @param background  {@code #rrggbb} laid under transparent pixels when the format has no alpha;
 *                    null means the worker's default (white)
 * @param uri         the exact object URL to write (a presigned PUT URL), to which nothing is
 *                    appended; exactly one of target and uri
 * @param animation   what an animated source becomes: its first frame (the default) or every frame
 * @param keep        source metadata to keep in the output (ICC profile, copyright); empty strips all
 * @param preset      the name of an output spec configured on the workers ({@code IMAGEFLEET_PRESETS});
 *                    a preset output names no ops, format or encoding options of its own
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutputSpec(
        String name,
        List<Op> ops,
        Format format,
        Integer quality,
        String target,
        Boolean progressive,
        Boolean lossless,
        String background,
        String uri,
        Animation animation,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Keep> keep,
        String preset) {

    public OutputSpec {
        name = name == null ? preset : name;
        ops = ops == null ? List.of() : List.copyOf(ops);
        progressive = progressive != null && progressive;
        lossless = lossless != null && lossless;
        animation = animation == null ? Animation.FIRST : animation;
        keep = keep == null ? List.of() : List.copyOf(keep);
    }

    /** An output with format options, stored under a target prefix, first frame, metadata stripped. */
    public OutputSpec(String name, List<Op> ops, Format format, Integer quality, String target,
                      Boolean progressive, Boolean lossless, String background) {
        this(name, ops, format, quality, target, progressive, lossless, background, null, null, null, null);
    }

    /** An output with the given operations and no format options. */
    public static OutputSpec of(String name, List<Op> ops, Format format, Integer quality, String target) {
        return new OutputSpec(name, ops, format, quality, target, null, null, null);
    }

    /** An output written to exactly {@code uri} (a presigned PUT URL, say); nothing is appended. */
    public static OutputSpec toUri(String name, List<Op> ops, Format format, Integer quality, String uri) {
        return new OutputSpec(name, ops, format, quality, null, null, null, null, uri, null, null, null);
    }

    /** This output with the given animation handling. */
    public OutputSpec withAnimation(Animation a) {
        return new OutputSpec(name, ops, format, quality, target, progressive, lossless, background, uri, a, keep, preset);
    }

    /** This output keeping the given source metadata. */
    public OutputSpec withKeep(List<Keep> k) {
        return new OutputSpec(name, ops, format, quality, target, progressive, lossless, background, uri, animation, k, preset);
    }
}
