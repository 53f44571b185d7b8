package io.imagefleet.worker.imaging;

import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;

/** Conversions to the two pixel layouts the operations work on: 8-bit sRGB, with or without alpha. */
final class Colour {
    private Colour() {
    }

    /**
     * The image as {@link BufferedImage#TYPE_INT_RGB} or {@link BufferedImage#TYPE_INT_ARGB}
     * (when it has alpha), converting from grey, palette, 16-bit and ICC-profiled spaces.
     */
    static BufferedImage toSrgb(BufferedImage src) {
        int type = src.getType();
        if (type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB) {
            return src;
        }
        boolean alpha = src.getColorModel().hasAlpha();
        BufferedImage dst = new BufferedImage(src.getWidth(), src.getHeight(),
                alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        if (src.getColorModel().getColorSpace().isCS_sRGB()
                || src.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            Graphics2D g = dst.createGraphics();
            try {
                g.drawImage(src, 0, 0, null);
            } finally {
                g.dispose();
            }
            return dst;
        }
        // Other spaces (an embedded ICC profile, say): the colour model converts each pixel to sRGB.
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                dst.setRGB(x, y, src.getRGB(x, y));
            }
        }
        return dst;
    }

    /** Lays an image with alpha over an opaque colour, for formats that cannot carry alpha. */
    static BufferedImage flatten(BufferedImage src, int rgb) {
        if (!src.getColorModel().hasAlpha()) {
            return src;
        }
        BufferedImage dst = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setColor(new java.awt.Color(rgb));
            g.fillRect(0, 0, src.getWidth(), src.getHeight());
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return dst;
    }
}
