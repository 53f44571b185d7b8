package io.imagefleet.worker.imaging.x11;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Colour specs as X11 reads them in XPM files: {@code #rgb}, {@code #rrggbb}, {@code #rrrgggbbb},
 * {@code #rrrrggggbbbb} ({@link #hex}), or a name from X.Org's rgb.txt, the resource beside this
 * class, in any case ({@link #named}). Hex digits are scaled to 16 bits and the high byte kept,
 * as gdk-pixbuf does ({@code #fff} is 255,255,255; {@code #ffff80000000} is 255,128,0).
 * Immutable and thread-safe.
 */
final class X11Colours {
    private final Map<String, Integer> byName;

    private X11Colours(Map<String, Integer> byName) {
        this.byName = byName;
    }

    /** Reads the name table (about 750 names) from the class path. */
    static X11Colours load() {
        Map<String, Integer> names = new HashMap<>();
        try (InputStream in = X11Colours.class.getResourceAsStream("rgb.txt")) {
            if (in == null) {
                throw new IllegalStateException("rgb.txt is missing beside " + X11Colours.class.getName());
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("!")) {
                    continue;
                }
                String[] parts = t.split("\\s+", 4);
                if (parts.length < 4) {
                    throw new IllegalStateException("rgb.txt has a line that is not 'r g b name': " + line);
                }
                int rgb = Integer.parseInt(parts[0]) << 16 | Integer.parseInt(parts[1]) << 8 | Integer.parseInt(parts[2]);
                names.put(parts[3].toLowerCase(Locale.ROOT), rgb);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rgb.txt cannot be read", e);
        }
        return new X11Colours(Map.copyOf(names));
    }

    /** The number of names known. */
    int size() {
        return byName.size();
    }

    /** The named colour as 0xRRGGBB, or -1 when the name is not known. */
    int named(String name) {
        Integer rgb = byName.get(name.toLowerCase(Locale.ROOT));
        return rgb == null ? -1 : rgb;
    }

    /** A {@code #} colour as 0xRRGGBB, or -1 when it is not 3, 6, 9 or 12 hex digits. */
    static int hex(String spec) {
        int n = spec.length() - 1;
        if (n == 0 || n % 3 != 0 || n > 12) {
            return -1;
        }
        int digits = n / 3;
        int rgb = 0;
        for (int c = 0; c < 3; c++) {
            int v = 0;
            for (int i = 0; i < digits; i++) {
                int d = Character.digit(spec.charAt(1 + c * digits + i), 16);
                if (d < 0) {
                    return -1;
                }
                v = v << 4 | d;
            }
            int sixteen = digits == 4 ? v : (int) (v * 65535L / ((1 << 4 * digits) - 1));
            rgb = rgb << 8 | sixteen >> 8;
        }
        return rgb;
    }
}
