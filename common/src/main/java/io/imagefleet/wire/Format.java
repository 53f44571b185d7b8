package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** An output image format, written in JSON in lower case ({@code "jpeg"}). */
public enum Format {
    JPEG("jpg"),
    PNG("png"),
    GIF("gif"),
    BMP("bmp"),
    TIFF("tiff"),
    /** Needs a WebP encoder in the worker (libwebp); without one the job fails ENCODE_FAILED. */
    WEBP("webp"),
    /** Needs libheif with an AV1 encoder in the worker; without one the job fails ENCODE_FAILED. */
    AVIF("avif");

    private final String extension;

    Format(String extension) {
        this.extension = extension;
    }

    /** The file name extension for outputs in this format, without the dot. */
    public String extension() {
        return extension;
    }

    /** Whether the format can carry an alpha channel. */
    public boolean supportsAlpha() {
        return this != JPEG && this != BMP;
    }

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    /** Parses a wire name; {@code jpg} and {@code tif} are accepted as aliases. */
    @JsonCreator
    public static Format fromWire(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "jpg": return JPEG;
            case "tif": return TIFF;
            default: return WireEnums.parse(Format.class, name);
        }
    }
}
