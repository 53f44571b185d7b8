package io.imagefleet.worker.imaging.x11;

import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * The ImageIO service provider for X bitmaps (XBM, X11 and X10), registered through
 * {@code META-INF/services}. Claims a stream when its first few KiB hold a whole XBM header
 * (the defines and the {@code _bits[]} declaration), so other C source is not claimed.
 * Thread-safe.
 */
public final class XbmImageReaderSpi extends ImageReaderSpi {
    /** Called by the service loader. */
    public XbmImageReaderSpi() {
        super("imagefleet", "1.0", new String[] {"xbm", "XBM"}, new String[] {"xbm"},
                new String[] {"image/x-xbitmap", "image/x-xbm"}, XbmImageReader.class.getName(),
                new Class<?>[] {ImageInputStream.class}, null,
                false, null, null, null, null, false, null, null, null, null);
    }

    @Override
    public boolean canDecodeInput(Object source) throws IOException {
        if (!(source instanceof ImageInputStream in)) {
            return false;
        }
        in.mark();
        try {
            return XbmHeader.sniff(in);
        } finally {
            in.reset();
        }
    }

    @Override
    public ImageReader createReaderInstance(Object extension) {
        return new XbmImageReader(this);
    }

    @Override
    public String getDescription(Locale locale) {
        return "X bitmap (XBM, X11 and X10) reader";
    }
}
