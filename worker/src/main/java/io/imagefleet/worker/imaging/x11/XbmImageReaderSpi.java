package io.imagefleet.worker.imaging.x11;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * The ImageIO service provider for X bitmaps (XBM, X11 and X10), registered through
 * {@code META-INF/services}. Claims a stream when its first few KiB hold a whole XBM header
 * (the defines and the {@code _bits[]} declaration), so other C source is not claimed.
 * Thread-safe.
 */
public final class XbmImageReaderSpi extends X11ImageReaderSpi {
    /** Called by the service loader. */
    public XbmImageReaderSpi() {
        super("xbm", new String[] {"image/x-xbitmap", "image/x-xbm"}, XbmImageReader.class);
    }

    @Override
    boolean sniff(ImageInputStream in) throws IOException {
        return XbmHeader.sniff(in);
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
