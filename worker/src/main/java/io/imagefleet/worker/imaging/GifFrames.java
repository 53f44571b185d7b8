package io.imagefleet.worker.imaging;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.w3c.dom.Node;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;

/**
 * The frames of an animated GIF through the JDK's GIF reader and its metadata: each frame is
 * drawn at its offset on a transparent canvas the size of the logical screen, shown for its
 * delay (100 ms for a delay of 0 or 10 ms, as browsers and gif2webp show it), then disposed of
 * as it says (left, cleared to transparent, or put back to what was there before), as browsers
 * do. Used by one thread.
 */
final class GifFrames implements FrameSource {
    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";
    private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";
    /** What browsers (and gif2webp) show a frame of delay 0 or 1 hundredth for. */
    static final int SHORTEST_SHOWN_MS = 100;

    private final ImageInputStream in;
    private final ImageReader reader;
    private final AnimationHeader header;
    private final JobDeadline deadline;
    private final BufferedImage canvas;
    private int index;
    private Disposal pending;

    /** How a frame is disposed of before the next is drawn. */
    private record Disposal(String method, int x, int y, int w, int h, BufferedImage before) {
    }

    private GifFrames(ImageInputStream in, ImageReader reader, AnimationHeader header, JobDeadline deadline) {
        this.in = in;
        this.reader = reader;
        this.header = header;
        this.deadline = deadline;
        this.canvas = new BufferedImage(header.canvasWidth(), header.canvasHeight(), BufferedImage.TYPE_INT_ARGB);
    }

    /** Opens the GIF and reads its header (screen size, frame count, loop count) without decoding a frame. */
    static GifFrames open(byte[] bytes, JobDeadline deadline) throws JobFailure {
        ImageInputStream in = new ByteArrayImageInputStream(bytes);
        ImageReader reader = null;
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            while (readers.hasNext() && reader == null) {
                ImageReader r = readers.next();
                if ("gif".equals(Formats.normalise(r.getFormatName()))) {
                    reader = r;
                } else {
                    r.dispose();
                }
            }
            if (reader == null) {
                throw new JobFailure(ErrorCode.UNSUPPORTED_FORMAT, "no GIF reader takes the source");
            }
            reader.setInput(in, false, false);
            reader.addIIOReadProgressListener(new DeadlineAbort(deadline));
            // Counting skips each frame's data blocks without decompressing them.
            int frames = reader.getNumImages(true);
            int w = 0;
            int h = 0;
            IIOMetadata stream = reader.getStreamMetadata();
            Node screen = stream == null ? null : child(stream.getAsTree(STREAM_FORMAT), "LogicalScreenDescriptor");
            if (screen != null) {
                w = intAttr(screen, "logicalScreenWidth", 0);
                h = intAttr(screen, "logicalScreenHeight", 0);
            }
            if (w <= 0 || h <= 0) {
                // A zero logical screen: browsers use the first frame's size.
                w = reader.getWidth(0);
                h = reader.getHeight(0);
            }
            int loops = loopCount(reader.getImageMetadata(0));
            return new GifFrames(in, reader, new AnimationHeader("gif", w, h, frames, loops), deadline);
        } catch (IOException | RuntimeException e) {
            close(in, reader);
            deadline.check("reading the GIF's frames");
            throw new JobFailure(ErrorCode.DECODE_FAILED, "the animated GIF's header cannot be read: " + e.getMessage(), e);
        } catch (JobFailure f) {
            close(in, reader);
            throw f;
        }
    }

    @Override
    public AnimationHeader header() {
        return header;
    }

    @Override
    public Frame next() throws JobFailure {
        if (index >= header.frames()) {
            return null;
        }
        deadline.check("decoding frame " + index + " of the animated GIF");
        dispose();
        try {
            Node tree = reader.getImageMetadata(index).getAsTree(IMAGE_FORMAT);
            Node gce = child(tree, "GraphicControlExtension");
            Node descriptor = child(tree, "ImageDescriptor");
            BufferedImage frame = reader.read(index);
            deadline.check("decoding frame " + index + " of the animated GIF");
            int x = intAttr(descriptor, "imageLeftPosition", 0);
            int y = intAttr(descriptor, "imageTopPosition", 0);
            String method = gce == null ? "none" : gce.getAttributes().getNamedItem("disposalMethod").getNodeValue();
            int delay = gce == null ? 0 : intAttr(gce, "delayTime", 0);
            BufferedImage before = method.equals("restoreToPrevious") ? copy(canvas) : null;
            Graphics2D g = canvas.createGraphics();
            try {
                g.setComposite(AlphaComposite.SrcOver);
                g.drawImage(frame, x, y, null);
            } finally {
                g.dispose();
            }
            pending = new Disposal(method, x, y, frame.getWidth(), frame.getHeight(), before);
            index++;
            // Delays of 0 or 1 hundredth are shown as 100 ms by browsers, and gif2webp writes them so.
            return new Frame(canvas, delay <= 1 ? SHORTEST_SHOWN_MS : delay * 10);
        } catch (IOException | RuntimeException e) {
            deadline.check("decoding frame " + index + " of the animated GIF");
            throw new JobFailure(ErrorCode.DECODE_FAILED, "frame " + index + " of the animated GIF cannot be decoded: "
                    + e.getMessage(), e);
        }
    }

    /** Disposes of the frame shown last, before the next is drawn. */
    private void dispose() {
        if (pending == null) {
            return;
        }
        Graphics2D g = canvas.createGraphics();
        try {
            if (pending.method().equals("restoreToBackgroundColor")) {
                // Browsers clear to transparent, not to the background colour the GIF names.
                g.setComposite(AlphaComposite.Clear);
                g.fillRect(pending.x(), pending.y(), pending.w(), pending.h());
            } else if (pending.method().equals("restoreToPrevious")) {
                g.setComposite(AlphaComposite.Src);
                g.drawImage(pending.before(), 0, 0, null);
            }
        } finally {
            g.dispose();
        }
        pending = null;
    }

    @Override
    public void close() {
        close(in, reader);
    }

    private static void close(ImageInputStream in, ImageReader reader) {
        if (reader != null) {
            reader.removeAllIIOReadProgressListeners();
            reader.dispose();
        }
        try {
            in.close();
        } catch (IOException e) {
            // A byte array stream: closing cannot fail in a way that matters.
        }
    }

    /**
     * How many times the GIF plays (0 for ever): its NETSCAPE2.0 extension counts repetitions after
     * the first play (0 for ever), as browsers and gif2webp read it; a GIF without one plays once.
     */
    private static int loopCount(IIOMetadata first) {
        Node apps = child(first.getAsTree(IMAGE_FORMAT), "ApplicationExtensions");
        if (apps == null) {
            return 1;
        }
        for (Node n = apps.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof IIOMetadataNode app && "NETSCAPE".equals(app.getAttribute("applicationID"))
                    && app.getUserObject() instanceof byte[] data && data.length >= 3 && data[0] == 1) {
                int repeats = (data[1] & 0xff) | (data[2] & 0xff) << 8;
                return repeats == 0 ? 0 : repeats + 1;
            }
        }
        return 1;
    }

    private static BufferedImage copy(BufferedImage img) {
        BufferedImage c = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
        img.copyData(c.getRaster());
        return c;
    }

    private static Node child(Node root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static int intAttr(Node node, String name, int fallback) {
        Node a = node == null ? null : node.getAttributes().getNamedItem(name);
        try {
            return a == null ? fallback : Integer.parseInt(a.getNodeValue());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
