package io.imagefleet.worker.imaging;

import java.util.Locale;

/** Canonical lower-case names for ImageIO's format names. */
final class Formats {
    private Formats() {
    }

    static String normalise(String imageIoName) {
        String n = imageIoName.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "jpg", "jpeg-lossless", "jpeg" -> "jpeg";
            case "tif", "tiff" -> "tiff";
            default -> n;
        };
    }
}
