package io.imagefleet.worker.imaging.x11;

import javax.imageio.IIOException;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;

/**
 * A forward cursor over the C source text of an XBM or XPM file, read through a small buffer
 * from an image stream, at most {@code limit} bytes (a sniff reads a few KiB, a decode the whole
 * stream). Counts lines for error messages. Used by one thread.
 */
final class CText {
    static final int EOF = -1;

    private final ImageInputStream in;
    private final byte[] buf;
    private long left;
    private int pos;
    private int end;
    private int line = 1;

    CText(ImageInputStream in, long limit) {
        this.in = in;
        this.left = limit;
        this.buf = new byte[(int) Math.min(8192, Math.max(1, limit))];
    }

    /** The line the cursor is on, counting from 1. */
    int line() {
        return line;
    }

    /** The next byte (0-255) without taking it, or {@link #EOF}. */
    int peek() throws IOException {
        if (pos == end && !fill()) {
            return EOF;
        }
        return buf[pos] & 0xff;
    }

    /** Takes the next byte (0-255), or returns {@link #EOF}. */
    int next() throws IOException {
        int c = peek();
        if (c != EOF) {
            pos++;
            if (c == '\n') {
                line++;
            }
        }
        return c;
    }

    /** Takes {@code c} if it is next. */
    boolean take(int c) throws IOException {
        if (peek() == c) {
            next();
            return true;
        }
        return false;
    }

    /** Skips white space and C comments ({@code /* *}{@code /} and {@code //}). */
    void skipBlanks() throws IOException {
        while (true) {
            int c = peek();
            if (isSpace(c)) {
                next();
            } else if (c == '/') {
                next();
                int d = next();
                if (d == '*') {
                    skipBlockComment();
                } else if (d == '/') {
                    while (peek() != '\n' && peek() != EOF) {
                        next();
                    }
                } else {
                    throw new IIOException("stray '/' on line " + line);
                }
            } else {
                return;
            }
        }
    }

    /** Skips spaces and tabs only (not line ends). */
    void skipSpaces() throws IOException {
        while (peek() == ' ' || peek() == '\t') {
            next();
        }
    }

    /** A C identifier or keyword at the cursor (letters, digits, '_'), empty when there is none. */
    String word() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (isWordChar(peek())) {
            if (sb.length() == 256) {
                throw new IIOException("a name on line " + line + " is longer than 256 characters");
            }
            sb.append((char) next());
        }
        return sb.toString();
    }

    /** A decimal number at the cursor, at most {@code max}. */
    int decimal(String what, int max) throws IOException {
        long v = 0;
        int digits = 0;
        while (peek() >= '0' && peek() <= '9') {
            v = v * 10 + (next() - '0');
            if (v > max) {
                throw new IIOException(what + " on line " + line + " is over " + max);
            }
            digits++;
        }
        if (digits == 0) {
            throw new IIOException(what + " on line " + line + " is not a number (found " + describe(peek()) + ")");
        }
        return (int) v;
    }

    /**
     * Reads a C string literal: skips blanks and commas up to its opening quote, then copies up to
     * {@code dst.length} bytes of it into {@code dst} (the rest is skipped). Escapes are not
     * interpreted (XPM strings have none).
     *
     * @param what   what the string is, for messages ("XPM row")
     * @param number which one it is, for messages
     * @return the length of the whole string, which may exceed {@code dst.length}
     */
    int string(byte[] dst, String what, int number) throws IOException {
        skipBlanks();
        while (take(',')) {
            skipBlanks();
        }
        if (peek() != '"') {
            throw new IIOException("expected " + what + " " + number + " as a string on line " + line + ", found "
                    + describe(peek()));
        }
        next();
        int start = line;
        int n = 0;
        while (true) {
            int c = next();
            if (c == '"') {
                return n;
            }
            if (c == EOF || c == '\n') {
                throw new IIOException(what + " " + number + " on line " + start + " is not closed by '\"'");
            }
            if (n < dst.length) {
                dst[n] = (byte) c;
            }
            n++;
        }
    }

    /** Describes a byte for a message: {@code 'x'}, {@code 0x0a} or {@code the end of the data}. */
    static String describe(int c) {
        if (c == EOF) {
            return "the end of the data";
        }
        return c > ' ' && c < 0x7f ? "'" + (char) c + "'" : String.format(java.util.Locale.ROOT, "0x%02x", c);
    }

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }

    private static boolean isWordChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private void skipBlockComment() throws IOException {
        int start = line;
        int prev = 0;
        while (true) {
            int c = next();
            if (c == EOF) {
                throw new IIOException("the comment opened on line " + start + " is not closed");
            }
            if (prev == '*' && c == '/') {
                return;
            }
            prev = c;
        }
    }

    private boolean fill() throws IOException {
        if (left <= 0) {
            return false;
        }
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n <= 0) {
            left = 0;
            return false;
        }
        left -= n;
        pos = 0;
        end = n;
        return true;
    }
}
