package io.imagefleet.worker.imaging.x11;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * The ImageIO service provider for XPM3 pixmaps, registered through {@code META-INF/services}.
 * Claims a stream that starts with the {@code /* XPM *}{@code /} comment. Holds the X11 colour
 * name table, loaded the first time a file names a colour. Thread-safe.
 */
public final class XpmImageReaderSpi extends X11ImageReaderSpi {
    private volatile X11Colours x11Colours;

    /** Called by the service loader. */
    public XpmImageReaderSpi() {
        super("xpm", new String[] {"image/x-xpixmap", "image/x-xpm"}, XpmImageReader.class);
    }

    @Override
    boolean sniff(ImageInputStream in) throws IOException {
        return XpmHeader.sniff(in);
    }

    @Override
    public ImageReader createReaderInstance(Object extension) {
        return new XpmImageReader(this);
    }

    @Override
    public String getDescription(Locale locale) {
        return "X pixmap (XPM3) reader";
    }

    /** X.Org's colour names, read on first use. */
    X11Colours x11Colours() {
        X11Colours c = x11Colours;
        if (c == null) {
            synchronized (this) {
                c = x11Colours;
                if (c == null) {
                    c = X11Colours.load();
                    x11Colours = c;
                }
            }
        }
        return c;
    }
}
