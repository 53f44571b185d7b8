package io.imagefleet.worker.imaging.x11;

import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;

/**
 * The header of an X bitmap: {@code #define <name>_width <n>} and {@code _height} (and
 * optionally {@code _x_hot}, {@code _y_hot}), in any order, then the declaration
 * {@code static [const] [unsigned] char <name>_bits[] =} and the array's opening brace (X11:
 * 8-bit values), or the same with {@code short} (X10: 16-bit values). Comments are allowed
 * between them.
 *
 * @param width  pixels across
 * @param height pixels down
 * @param x10    16-bit values (X10) rather than 8-bit ones (X11)
 */
record XbmHeader(int width, int height, boolean x10) implements X11Header {
    /** How far into a stream the sniff looks for the whole header. */
    static final int SNIFF_BYTES = 4096;

    /**
     * Whether the stream starts with an XBM header (within {@link #SNIFF_BYTES}); C source that
     * is not a bitmap (other defines, no {@code _bits[]} array) is not. Moves the stream.
     */
    static boolean sniff(ImageInputStream in) throws IOException {
        long at = in.getStreamPosition();
        int first = in.read();
        if (first != '#' && first != '/' && !CText.isSpace(first)) {
            return false;
        }
        in.seek(at);
        try {
            read(new CText(in, SNIFF_BYTES));
            return true;
        } catch (IIOException e) {
            return false;
        }
    }

    /** Parses the header, leaving the text just after the array's opening brace. */
    static XbmHeader read(CText text) throws IOException {
        int width = -1;
        int height = -1;
        while (true) {
            text.skipBlanks();
            int c = text.peek();
            if (c == '#') {
                text.next();
                int line = text.line();
                String name = define(text);
                if (is(name, "width")) {
                    width = text.decimal("XBM width", Integer.MAX_VALUE);
                } else if (is(name, "height")) {
                    height = text.decimal("XBM height", Integer.MAX_VALUE);
                } else if (is(name, "x_hot") || is(name, "y_hot")) {
                    text.take('-');
                    text.decimal("XBM hot spot", Integer.MAX_VALUE);
                } else {
                    throw new IIOException("XBM line " + line + ": #define " + name
                            + " is not a bitmap's _width, _height, _x_hot or _y_hot");
                }
            } else if (c == 's') {
                break;
            } else {
                throw new IIOException("XBM line " + text.line() + ": expected #define or static, found " + CText.describe(c));
            }
        }
        if (width < 0 || height < 0) {
            throw new IIOException("XBM has no " + (width < 0 ? "_width" : "_height") + " #define before its bits");
        }
        return new XbmHeader(width, height, declaration(text));
    }

    /** {@code define <name>} after the '#': the name. */
    private static String define(CText text) throws IOException {
        text.skipSpaces();
        String directive = text.word();
        if (!directive.equals("define")) {
            throw new IIOException("XBM line " + text.line() + ": expected #define, found #" + directive);
        }
        text.skipSpaces();
        String name = text.word();
        text.skipSpaces();
        return name;
    }

    /** {@code static [const] [unsigned] char|short <name>_bits[] =} and the brace: whether the values are shorts. */
    private static boolean declaration(CText text) throws IOException {
        int line = text.line();
        if (!text.word().equals("static")) {
            throw new IIOException("XBM line " + line + ": expected 'static <type> <name>_bits[] = {'");
        }
        int chars = 0;
        int shorts = 0;
        String name;
        while (true) {
            text.skipBlanks();
            name = text.word();
            if (name.equals("char")) {
                chars++;
            } else if (name.equals("short")) {
                shorts++;
            } else if (!name.equals("const") && !name.equals("unsigned") && !name.equals("signed")) {
                break;
            }
        }
        if (chars + shorts != 1 || !is(name, "bits")) {
            throw new IIOException("XBM line " + line + ": expected 'static [unsigned] char <name>_bits[] = {'"
                    + " or the X10 form with short, found a declaration of '" + name + "'");
        }
        expect(text, '[');
        text.skipBlanks();
        if (text.peek() != ']') {
            text.decimal("XBM array size", Integer.MAX_VALUE);
        }
        expect(text, ']');
        expect(text, '=');
        expect(text, '{');
        return shorts == 1;
    }

    private static void expect(CText text, char c) throws IOException {
        text.skipBlanks();
        int found = text.peek();
        if (found != c) {
            throw new IIOException("XBM line " + text.line() + ": expected '" + c + "', found " + CText.describe(found));
        }
        text.next();
    }

    /** Whether a #define or array name is {@code suffix} or ends with {@code _suffix}. */
    private static boolean is(String name, String suffix) {
        return name.equals(suffix) || name.endsWith("_" + suffix);
    }
}
