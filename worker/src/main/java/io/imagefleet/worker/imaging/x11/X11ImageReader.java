package io.imagefleet.worker.imaging.x11;

import javax.imageio.IIOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/**
 * What the XBM and XPM readers share: one image per file, a header parsed lazily (so
 * {@link #getWidth} and {@link #getHeight} read no pixel data), and a read that decodes the
 * pixel text row by row into the destination, with the read param's source region and
 * subsampling, progress reports every 64 rows, and {@link #abort()} honoured between rows.
 * Before the destination is allocated, the data must be long enough to hold the pixels the
 * header declares, so a truncated file with a large header allocates nothing. Not thread-safe,
 * as every ImageReader.
 */
abstract class X11ImageReader extends ImageReader {
    private static final int PROGRESS_ROWS = 64;

    private ImageInputStream stream;
    private long start = -1;
    private CText text;
    private boolean pixelsTaken;
    private X11Header size;

    X11ImageReader(ImageReaderSpi spi) {
        super(spi);
    }

    /** The format's name in messages: XBM, XPM. */
    abstract String label();

    /** Parses the header, leaving the text just before the colours or pixels. */
    abstract X11Header readHeader(CText text) throws IOException;

    /** The width the header declares; read the header first. */
    final int width() {
        return size.width();
    }

    /** The height the header declares; read the header first. */
    final int height() {
        return size.height();
    }

    /** The image type of the decoded pixels; may read further than the header (XPM's colour table). */
    abstract ImageTypeSpecifier imageType(CText text) throws IOException;

    /** The fewest bytes the pixel data the header declares can take, with what it is, for the message. */
    abstract long minimumDataBytes();

    /** Describes the declared pixel data for a message: "300x225 pixels at 3 characters each". */
    abstract String dataDescription();

    /** Decodes row {@code y} (rows come in order) into ARGB. */
    abstract void readRow(CText text, int y, int[] argb) throws IOException;

    @Override
    public void setInput(Object input, boolean seekForwardOnly, boolean ignoreMetadata) {
        super.setInput(input, seekForwardOnly, ignoreMetadata);
        stream = (ImageInputStream) input;
        start = -1;
        text = null;
        pixelsTaken = false;
    }

    @Override
    public int getNumImages(boolean allowSearch) throws IOException {
        header();
        return 1;
    }

    @Override
    public int getWidth(int imageIndex) throws IOException {
        checkIndex(imageIndex);
        header();
        return width();
    }

    @Override
    public int getHeight(int imageIndex) throws IOException {
        checkIndex(imageIndex);
        header();
        return height();
    }

    @Override
    public Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) throws IOException {
        checkIndex(imageIndex);
        return List.of(imageType(header())).iterator();
    }

    @Override
    public IIOMetadata getStreamMetadata() {
        return null;
    }

    @Override
    public IIOMetadata getImageMetadata(int imageIndex) {
        checkIndex(imageIndex);
        return null;
    }

    @Override
    public BufferedImage read(int imageIndex, ImageReadParam param) throws IOException {
        checkIndex(imageIndex);
        CText t = pixelsTaken ? rewind() : header();
        pixelsTaken = true;
        int w = width();
        int h = height();
        if (w <= 0 || h <= 0) {
            throw new IIOException(label() + " header says the image is " + w + "x" + h);
        }
        long length = stream.length();
        if (length >= 0 && length - start < minimumDataBytes()) {
            throw new IIOException(label() + " data is truncated: " + dataDescription() + " take at least "
                    + minimumDataBytes() + " bytes, the file has " + (length - start));
        }
        BufferedImage dst = getDestination(param, List.of(imageType(t)).iterator(), w, h);
        Rectangle src = new Rectangle();
        Rectangle dest = new Rectangle();
        computeRegions(param, w, h, dst, src, dest);
        int xs = param == null ? 1 : param.getSourceXSubsampling();
        int ys = param == null ? 1 : param.getSourceYSubsampling();
        int[] row = new int[w];
        int[] out = new int[dest.width];
        clearAbortRequest();
        processImageStarted(imageIndex);
        // Every row is decoded, sampled or not, so a bad row fails the read whatever the param.
        for (int y = 0; y < h; y++) {
            readRow(t, y, row);
            int dy = y - src.y;
            if (dy >= 0 && y < src.y + src.height && dy % ys == 0 && dest.width > 0) {
                for (int i = 0; i < dest.width; i++) {
                    out[i] = row[src.x + i * xs];
                }
                dst.setRGB(dest.x, dest.y + dy / ys, dest.width, 1, out, 0, dest.width);
            }
            if (y % PROGRESS_ROWS == PROGRESS_ROWS - 1) {
                processImageProgress(100f * (y + 1) / h);
                if (abortRequested()) {
                    processReadAborted();
                    return dst;
                }
            }
        }
        processImageComplete();
        return dst;
    }

    private CText header() throws IOException {
        if (stream == null) {
            throw new IllegalStateException("no input set");
        }
        if (text == null) {
            // A header that failed to parse is parsed again (and fails again) on the next call.
            if (start < 0) {
                start = stream.getStreamPosition();
            } else {
                stream.seek(start);
            }
            CText t = new CText(stream, Long.MAX_VALUE);
            size = readHeader(t);
            text = t;
        }
        return text;
    }

    /** A second read: back to the start and through the header again. */
    private CText rewind() throws IOException {
        stream.seek(start);
        text = new CText(stream, Long.MAX_VALUE);
        size = readHeader(text);
        return text;
    }

    private static void checkIndex(int imageIndex) {
        if (imageIndex != 0) {
            throw new IndexOutOfBoundsException("an X11 image file holds one image; asked for index " + imageIndex);
        }
    }
}
