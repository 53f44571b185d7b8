package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
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
 * @param speed       AVIF only: the encoder's speed, 0 (slowest, smallest file) to 10 (fastest); null means the
 *                    worker's default (8)
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
        String preset,
        Integer speed) {

    public OutputSpec {
        name = name == null ? preset : name;
        ops = ops == null ? List.of() : List.copyOf(ops);
        progressive = progressive != null && progressive;
        lossless = lossless != null && lossless;
        animation = animation == null ? Animation.FIRST : animation;
        keep = keep == null ? List.of() : List.copyOf(keep);
    }

    /** An output without an encoder speed (the format's default). */
    public OutputSpec(String name, List<Op> ops, Format format, Integer quality, String target, Boolean progressive,
                      Boolean lossless, String background, String uri, Animation animation, List<Keep> keep, String preset) {
        this(name, ops, format, quality, target, progressive, lossless, background, uri, animation, keep, preset, null);
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
        return new OutputSpec(name, ops, format, quality, target, progressive, lossless, background, uri, a, keep, preset,
                speed);
    }

    /** This output keeping the given source metadata. */
    public OutputSpec withKeep(List<Keep> k) {
        return new OutputSpec(name, ops, format, quality, target, progressive, lossless, background, uri, animation, k, preset,
                speed);
    }

    /** This output with the given AVIF encoder speed (0-10). */
    public OutputSpec withSpeed(Integer s) {
        return new OutputSpec(name, ops, format, quality, target, progressive, lossless, background, uri, animation, keep, preset,
                s);
    }

    /**
     * A builder for an output that spells its own ops and format:
     * {@code OutputSpec.builder("thumb").resize(256, 256).format(Format.WEBP).target("s3://out/thumbs/").build()}.
     */
    public static Builder builder(String name) {
        return new Builder(name, null);
    }

    /**
     * A builder for an output made by a preset the workers are configured with
     * ({@code IMAGEFLEET_PRESETS}); its name is the preset's unless {@link Builder#name} says otherwise.
     */
    public static Builder preset(String preset) {
        return new Builder(null, preset);
    }

    /** Builds an {@link OutputSpec}; not thread-safe. The job's schema is checked when it is published. */
    public static final class Builder {
        private String name;
        private final String preset;
        private final List<Op> ops = new ArrayList<>();
        private Format format;
        private Integer quality;
        private String target;
        private String uri;
        private Boolean progressive;
        private Boolean lossless;
        private String background;
        private Animation animation;
        private Integer speed;
        private final List<Keep> keep = new ArrayList<>();

        private Builder(String name, String preset) {
            this.name = name;
            this.preset = preset;
        }

        /** The output's name (part of the stored object's name), unique in the job. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Adds an operation; operations are applied in the order added. */
        public Builder op(Op op) {
            ops.add(op);
            return this;
        }

        /** Adds a resize to fit inside width x height, keeping the aspect ratio, never enlarging. */
        public Builder resize(int width, int height) {
            return op(Op.Resize.inside(width, height));
        }

        public Builder format(Format format) {
            this.format = format;
            return this;
        }

        /** 1-100 for lossy formats. */
        public Builder quality(int quality) {
            this.quality = quality;
            return this;
        }

        /** A directory-like prefix the output is stored under as {@code <job id>-<name>.<ext>}. */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /** The exact object URL to write (a presigned PUT URL), instead of a target. */
        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        /** JPEG: write a progressive JPEG. */
        public Builder progressive(boolean progressive) {
            this.progressive = progressive;
            return this;
        }

        /** WebP: lossless encoding. */
        public Builder lossless(boolean lossless) {
            this.lossless = lossless;
            return this;
        }

        /** {@code #rrggbb} laid under transparent pixels for formats without alpha. */
        public Builder background(String colour) {
            this.background = colour;
            return this;
        }

        public Builder animation(Animation animation) {
            this.animation = animation;
            return this;
        }

        /** AVIF: the encoder's speed, 0 (slowest, smallest) to 10 (fastest). */
        public Builder speed(int speed) {
            this.speed = speed;
            return this;
        }

        /** Source metadata to keep; everything else is stripped. */
        public Builder keep(Keep... kinds) {
            keep.addAll(List.of(kinds));
            return this;
        }

        public OutputSpec build() {
            return new OutputSpec(name, ops, format, quality, target, progressive, lossless, background, uri, animation,
                    keep, preset, speed);
        }
    }
}
