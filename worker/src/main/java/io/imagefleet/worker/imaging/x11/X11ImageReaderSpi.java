package io.imagefleet.worker.imaging.x11;

import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * What the XBM and XPM service providers share: their names, suffixes and MIME types, and a
 * claim decided by sniffing the stream's first bytes, which are then given back. Thread-safe.
 */
abstract class X11ImageReaderSpi extends ImageReaderSpi {
    /**
     * @param format      the format's name, in lower case ({@code xbm}); its upper case is a name too
     * @param mimeTypes   the MIME types files of the format are served as
     * @param readerClass the reader this provider makes
     */
    X11ImageReaderSpi(String format, String[] mimeTypes, Class<? extends X11ImageReader> readerClass) {
        super("imagefleet", "1.0", new String[] {format, format.toUpperCase(Locale.ROOT)},
                new String[] {format}, mimeTypes, readerClass.getName(), new Class<?>[] {ImageInputStream.class},
                null, false, null, null, null, null, false, null, null, null, null);
    }

    /** Whether the stream, read from its current position, starts like a file of the format. */
    abstract boolean sniff(ImageInputStream in) throws IOException;

    @Override
    public final boolean canDecodeInput(Object source) throws IOException {
        if (!(source instanceof ImageInputStream in)) {
            return false;
        }
        in.mark();
        try {
            return sniff(in);
        } finally {
            in.reset();
        }
    }
}
