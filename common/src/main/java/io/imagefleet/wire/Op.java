package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One image operation of an output, applied in order. In JSON an object whose {@code op} field
 * names the operation: {@code {"op":"resize","width":256,"height":256,"fit":"inside"}}.
 * Values are checked by {@link JobCodec}; instances are immutable.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Op.Resize.class, name = "resize"),
    @JsonSubTypes.Type(value = Op.Crop.class, name = "crop"),
    @JsonSubTypes.Type(value = Op.Rotate.class, name = "rotate"),
    @JsonSubTypes.Type(value = Op.Flip.class, name = "flip"),
    @JsonSubTypes.Type(value = Op.Grayscale.class, name = "grayscale"),
    @JsonSubTypes.Type(value = Op.Blur.class, name = "blur"),
    @JsonSubTypes.Type(value = Op.Sharpen.class, name = "sharpen"),
})
public sealed interface Op {

    /** The operation names accepted in the {@code op} field. */
    String NAMES = "resize, crop, rotate, flip, grayscale, blur, sharpen";

    /**
     * Scales to a box. Either side may be omitted (the other decides); {@code fit} defaults to
     * inside; the image is never made larger unless {@code upscale} is true.
     */
    record Resize(Integer width, Integer height, Fit fit, Gravity gravity, Boolean upscale) implements Op {
        public Resize {
            fit = fit == null ? Fit.INSIDE : fit;
            gravity = gravity == null ? Gravity.CENTER : gravity;
            upscale = upscale != null && upscale;
        }

        public static Resize inside(int width, int height) {
            return new Resize(width, height, Fit.INSIDE, null, null);
        }
    }

    /**
     * Cuts a box out of the image: at {@code x}, {@code y} when both are given, otherwise placed
     * by {@code gravity} (centre by default).
     */
    record Crop(Integer x, Integer y, Integer width, Integer height, Gravity gravity) implements Op {
        public Crop {
            gravity = gravity == null ? Gravity.CENTER : gravity;
        }
    }

    /** Rotates clockwise by 90, 180 or 270 degrees. */
    record Rotate(Integer degrees) implements Op {
    }

    /** Mirrors the image. */
    record Flip(FlipDirection direction) implements Op {
        public Flip {
            direction = direction == null ? FlipDirection.HORIZONTAL : direction;
        }
    }

    /** Converts to grey levels (the output stays in the sRGB space of its format). */
    record Grayscale() implements Op {
    }

    /** A Gaussian blur of standard deviation {@code sigma} pixels (0.3 to 100). */
    record Blur(Double sigma) implements Op {
    }

    /** An unsharp mask: {@code sigma} is the radius of the blur it subtracts (default 1.0). */
    record Sharpen(Double sigma) implements Op {
        public Sharpen {
            sigma = sigma == null ? 1.0 : sigma;
        }
    }
}
