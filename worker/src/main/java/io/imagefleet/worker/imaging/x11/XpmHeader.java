package io.imagefleet.worker.imaging.x11;

import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The header of an XPM3 pixmap: the {@code /* XPM *}{@code /} comment, the C array declaration
 * up to its opening brace, and the values string {@code "width height ncolors cpp [x_hot y_hot]
 * [XPMEXT]"}.
 *
 * @param width   pixels across
 * @param height  pixels down
 * @param colours entries in the colour table
 * @param cpp     characters per pixel, 1-4
 */
record XpmHeader(int width, int height, int colours, int cpp) implements X11Header {
    /** The most characters per pixel read: keys are packed into an int. */
    static final int MAX_CPP = 4;
    private static final int MAGIC_BYTES = 64;
    private static final int MAX_VALUES_LENGTH = 256;

    /** Whether the stream starts with the XPM comment (after white space). Moves the stream. */
    static boolean sniff(ImageInputStream in) throws IOException {
        long at = in.getStreamPosition();
        int first = in.read();
        if (first != '/' && !CText.isSpace(first)) {
            return false;
        }
        in.seek(at);
        try {
            return magic(new CText(in, MAGIC_BYTES));
        } catch (IIOException e) {
            return false;
        }
    }

    /** Parses the header, leaving the text just after the values string. */
    static XpmHeader read(CText text) throws IOException {
        if (!magic(text)) {
            throw new IIOException("XPM does not start with the /* XPM */ comment");
        }
        while (true) {
            text.skipBlanks();
            int c = text.peek();
            if (c == '{') {
                text.next();
                break;
            }
            if (c == '"' || c == '}' || c == CText.EOF) {
                throw new IIOException("XPM line " + text.line() + ": expected the array's '{', found " + CText.describe(c));
            }
            text.next();
        }
        byte[] buf = new byte[MAX_VALUES_LENGTH];
        int line = text.line();
        int n = text.string(buf, "XPM values", 1);
        String values = new String(buf, 0, Math.min(n, buf.length), StandardCharsets.ISO_8859_1).strip();
        String[] v = values.split("[ \t]+");
        if (n > buf.length || v.length < 4) {
            throw new IIOException("XPM line " + line + ": the values string must be 'width height ncolors cpp', found '"
                    + values + "'");
        }
        int width = number(v[0], "width", line);
        int height = number(v[1], "height", line);
        int colours = number(v[2], "ncolors", line);
        int cpp = number(v[3], "cpp", line);
        if (colours < 1) {
            throw new IIOException("XPM line " + line + ": ncolors is " + colours + "; an image needs at least 1 colour");
        }
        if (cpp < 1 || cpp > MAX_CPP) {
            throw new IIOException("XPM line " + line + ": " + cpp + " characters per pixel; 1 to " + MAX_CPP + " are supported");
        }
        // A colour no pixel can use only costs memory: a hostile file could otherwise declare
        // millions of them and grow the table far past what admission reserved for the image.
        if ((long) colours > (long) width * height) {
            throw new IIOException("XPM line " + line + ": ncolors is " + colours + " for a " + width + "x" + height
                    + " image; an image cannot use more colours than it has pixels");
        }
        return new XpmHeader(width, height, colours, cpp);
    }

    /** Reads white space, then {@code /*}, {@code XPM}, {@code *}{@code /} with spaces between. */
    private static boolean magic(CText text) throws IOException {
        while (CText.isSpace(text.peek())) {
            text.next();
        }
        if (!text.take('/') || !text.take('*')) {
            return false;
        }
        text.skipSpaces();
        if (!text.word().equals("XPM")) {
            return false;
        }
        text.skipSpaces();
        return text.take('*') && text.take('/');
    }

    private static int number(String s, String what, int line) throws IIOException {
        if (!s.matches("[0-9]{1,9}")) {
            throw new IIOException("XPM line " + line + ": " + what + " '" + s + "' is not a number up to 999999999");
        }
        return Integer.parseInt(s);
    }
}
