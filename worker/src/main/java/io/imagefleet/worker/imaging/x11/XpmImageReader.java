package io.imagefleet.worker.imaging.x11;

import javax.imageio.IIOException;
import javax.imageio.ImageTypeSpecifier;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads XPM3 pixmaps (the C array form). Each colour line is a key of {@code cpp} characters
 * then key/colour pairs; the colour of the {@code c} (colour) visual is used, else the first
 * of {@code g}, {@code g4}, {@code m}, {@code s} that holds a colour X11 knows: {@code None}
 * (transparent), {@code #} hex or an X11 colour name. Pixel keys are packed into ints and
 * looked up in a {@link ColourKeys} table, so decoding allocates nothing per pixel. The image
 * is {@code TYPE_INT_ARGB} when a colour is {@code None}, else {@code TYPE_INT_RGB}.
 * Extensions (XPMEXT) after the pixels are ignored. Not thread-safe.
 */
final class XpmImageReader extends X11ImageReader {
    /** The colour keys, in the order a colour is looked for. */
    private static final List<String> KEYS = List.of("c", "g", "g4", "m", "s");
    private static final int MAX_COLOUR_LINE = 1024;
    private static final Pattern BLANKS = Pattern.compile("[ \t]+");

    private final XpmImageReaderSpi spi;
    private XpmHeader header;
    private ColourKeys colours;
    private boolean transparent;
    private byte[] row;

    XpmImageReader(XpmImageReaderSpi spi) {
        super(spi);
        this.spi = spi;
    }

    @Override
    String label() {
        return "XPM";
    }

    @Override
    X11Header readHeader(CText text) throws IOException {
        header = XpmHeader.read(text);
        colours = null;
        return header;
    }

    @Override
    ImageTypeSpecifier imageType(CText text) throws IOException {
        readColours(text);
        return ImageTypeSpecifier.createFromBufferedImageType(
                transparent ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    }

    @Override
    long minimumDataBytes() {
        return header.height() * ((long) header.width() * header.cpp() + 2);
    }

    @Override
    String dataDescription() {
        return header.width() + "x" + header.height() + " pixels at " + header.cpp() + " characters each";
    }

    @Override
    void readRow(CText text, int y, int[] argb) throws IOException {
        int cpp = header.cpp();
        int w = header.width();
        if (row == null || row.length != w * cpp) {
            row = new byte[w * cpp];
        }
        int n = text.string(row, "XPM row", y + 1);
        int line = text.line();
        if (n < row.length) {
            throw new IIOException("XPM row " + (y + 1) + " of " + header.height() + " (line " + line + ") has " + n
                    + " characters; " + w + " pixels at " + cpp + " characters each take " + row.length);
        }
        for (int x = 0; x < w; x++) {
            int slot = colours.find(ColourKeys.pack(row, x * cpp, cpp));
            if (slot < 0) {
                throw new IIOException("XPM row " + (y + 1) + " (line " + line + "), pixel " + (x + 1) + ": the key '"
                        + new String(row, x * cpp, cpp, StandardCharsets.ISO_8859_1) + "' is not in the colour table");
            }
            argb[x] = colours.colourAt(slot);
        }
    }

    /** Reads the colour table, once per pass through the file. */
    private void readColours(CText text) throws IOException {
        if (colours != null) {
            return;
        }
        ColourKeys table = new ColourKeys();
        boolean none = false;
        byte[] buf = new byte[MAX_COLOUR_LINE];
        int cpp = header.cpp();
        for (int i = 1; i <= header.colours(); i++) {
            int n = text.string(buf, "XPM colour", i);
            int line = text.line();
            if (n > buf.length || n < cpp) {
                throw new IIOException("XPM colour " + i + " (line " + line + ") has " + n + " characters; it must be a "
                        + cpp + "-character key then colours, at most " + buf.length);
            }
            String key = new String(buf, 0, cpp, StandardCharsets.ISO_8859_1);
            int argb = colour(new String(buf, cpp, n - cpp, StandardCharsets.ISO_8859_1).strip(), key, i, line);
            none |= argb >>> 24 == 0;
            table.put(ColourKeys.pack(buf, 0, cpp), argb);
        }
        colours = table;
        transparent = none;
    }

    /** The ARGB colour of one colour line's key/colour pairs. */
    private int colour(String pairs, String key, int i, int line) throws IIOException {
        String[] byKey = new String[KEYS.size()];
        int current = -1;
        StringBuilder value = new StringBuilder();
        for (String word : BLANKS.split(pairs)) {
            int k = KEYS.indexOf(word);
            if (word.isEmpty()) {
                continue;
            } else if (k >= 0) {
                if (current >= 0) {
                    byKey[current] = value.toString();
                }
                current = k;
                value.setLength(0);
            } else if (current < 0) {
                throw new IIOException("XPM colour " + i + " (line " + line + "): '" + word
                        + "' comes before any of the keys " + KEYS);
            } else {
                value.append(value.isEmpty() ? "" : " ").append(word);
            }
        }
        if (current >= 0) {
            byKey[current] = value.toString();
        }
        for (String spec : byKey) {
            if (spec == null || spec.isEmpty()) {
                continue;
            }
            if (spec.equalsIgnoreCase("none")) {
                return 0;
            }
            int rgb = spec.startsWith("#") ? X11Colours.hex(spec) : spi.x11Colours().named(spec);
            if (rgb >= 0) {
                return 0xff000000 | rgb;
            }
        }
        throw new IIOException("XPM colour " + i + " (line " + line + ") for key '" + key + "' has no colour X11 knows: '"
                + pairs + "'");
    }
}
