package io.imagefleet.worker.imaging.x11;

import javax.imageio.IIOException;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.spi.ImageReaderSpi;
import java.awt.image.DataBuffer;
import java.io.IOException;

/**
 * Reads X bitmaps (XBM), X11 (8-bit values) and X10 (16-bit values): each row padded to whole
 * values, bits least significant first, 1 the foreground (black) and 0 the background (white).
 * Values are read as hex with or without {@code 0x}, as Xlib reads them. The image is 1-bit
 * indexed (white, black). Not thread-safe.
 */
final class XbmImageReader extends X11ImageReader {
    private static final int WHITE = 0xffffffff;
    private static final int BLACK = 0xff000000;
    private static final ImageTypeSpecifier TYPE = ImageTypeSpecifier.createIndexed(
            new byte[] {-1, 0}, new byte[] {-1, 0}, new byte[] {-1, 0}, null, 1, DataBuffer.TYPE_BYTE);

    private XbmHeader header;
    private long valuesRead;

    XbmImageReader(ImageReaderSpi spi) {
        super(spi);
    }

    @Override
    String label() {
        return "XBM";
    }

    @Override
    X11Header readHeader(CText text) throws IOException {
        header = XbmHeader.read(text);
        valuesRead = 0;
        return header;
    }

    @Override
    ImageTypeSpecifier imageType(CText text) {
        return TYPE;
    }

    private int bitsPerValue() {
        return header.x10() ? 16 : 8;
    }

    private long values() {
        return (long) Math.ceilDiv(header.width(), bitsPerValue()) * header.height();
    }

    @Override
    long minimumDataBytes() {
        // The shortest possible values: one digit and a comma each.
        return values() * 2 - 1;
    }

    @Override
    String dataDescription() {
        return header.width() + "x" + header.height() + " bits in " + values() + " " + bitsPerValue() + "-bit values";
    }

    @Override
    void readRow(CText text, int y, int[] argb) throws IOException {
        int bits = bitsPerValue();
        int max = (1 << bits) - 1;
        int w = header.width();
        for (int x0 = 0; x0 < w; x0 += bits) {
            int v = value(text, max);
            for (int b = 0, x = x0; b < bits && x < w; b++, x++) {
                argb[x] = (v >> b & 1) == 1 ? BLACK : WHITE;
            }
        }
    }

    /** The next value of the array, after its comma. */
    private int value(CText text, int max) throws IOException {
        text.skipBlanks();
        if (valuesRead > 0) {
            if (!text.take(',')) {
                throw ended(text);
            }
            text.skipBlanks();
        }
        int digits = 0;
        long v = 0;
        if (text.peek() == '0') {
            text.next();
            digits = 1;
            if (text.peek() == 'x' || text.peek() == 'X') {
                text.next();
                digits = 0;
            }
        }
        for (int d; (d = Character.digit(text.peek(), 16)) >= 0; ) {
            text.next();
            v = v << 4 | d;
            digits++;
            if (v > max) {
                throw new IIOException("XBM value " + (valuesRead + 1) + " on line " + text.line() + " is over 0x"
                        + Integer.toHexString(max));
            }
        }
        if (digits == 0) {
            throw ended(text);
        }
        valuesRead++;
        return (int) v;
    }

    private IIOException ended(CText text) throws IOException {
        int c = text.peek();
        if (c == '}' || c == CText.EOF) {
            return new IIOException("XBM data ends after " + valuesRead + " of " + values() + " values ("
                    + (c == '}' ? "at '}'" : "at the end of the file") + ", line " + text.line() + ")");
        }
        return new IIOException("XBM value " + (valuesRead + 1) + " on line " + text.line()
                + " is not a hex number: found " + CText.describe(c));
    }
}
