package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * An animated GIF output through the JDK's GIF writer: each frame (a full canvas) gets its own
 * palette, its delay in hundredths of a second, and disposal "restore to background", so a frame
 * with transparent parts never shows the one before through them; the first frame carries the
 * NETSCAPE2.0 loop count (the repetitions after the first play). The writer is aborted at the deadline. Used by one thread.
 */
final class GifFrameSink implements FrameSink {
    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";

    private final OutputSpec out;
    private final int loopCount;
    private final JobDeadline deadline;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ImageOutputStream ios;
    private final ImageWriter writer;
    private boolean started;
    private int written;

    GifFrameSink(OutputSpec out, int loopCount, JobDeadline deadline) throws JobFailure {
        this.out = out;
        this.loopCount = loopCount;
        this.deadline = deadline;
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
        if (!writers.hasNext()) {
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "no gif encoder is available in this worker");
        }
        this.writer = writers.next();
        this.ios = new MemoryCacheImageOutputStream(bytes);
        writer.setOutput(ios);
        writer.addIIOWriteProgressListener(new DeadlineAbort(deadline));
    }

    @Override
    public void add(BufferedImage frame, int durationMs) throws JobFailure {
        try {
            if (!started) {
                writer.prepareWriteSequence(null);
                started = true;
            }
            BufferedImage img = (long) frame.getWidth() * frame.getHeight() > GifPalette.BANDED_ABOVE_PIXELS
                    ? GifPalette.indexed(frame, deadline) : frame;
            writer.writeToSequence(new IIOImage(img, null, metadata(img, durationMs)), null);
            written++;
        } catch (IOException | RuntimeException e) {
            deadline.check("encoding " + out.name());
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name() + " cannot be encoded as an animated gif: "
                    + e.getMessage(), e);
        }
        deadline.check("encoding " + out.name());
    }

    private IIOMetadata metadata(BufferedImage frame, int durationMs) throws IIOInvalidTreeException {
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(IMAGE_FORMAT);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "restoreToBackgroundColor");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(Math.max(0, Math.min(65_535, Math.round(durationMs / 10f)))));
        // The first frame carries the loop count; playing once needs none (a GIF without one plays once).
        if (written == 0 && loopCount != 1) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            int repeats = loopCount == 0 ? 0 : Math.min(65_535, loopCount - 1); // repetitions after the first play
            app.setUserObject(new byte[] {1, (byte) (repeats & 0xff), (byte) ((repeats >> 8) & 0xff)});
            apps.appendChild(app);
        }
        meta.setFromTree(IMAGE_FORMAT, root);
        return meta;
    }

    @Override
    public byte[] finish() throws JobFailure {
        try {
            writer.endWriteSequence();
            ios.flush();
        } catch (IOException | RuntimeException e) {
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name() + " cannot be encoded as an animated gif: "
                    + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        writer.removeAllIIOWriteProgressListeners();
        writer.dispose();
        try {
            ios.close();
        } catch (IOException e) {
            // A memory stream: closing cannot fail in a way that matters.
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equals(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode n = new IIOMetadataNode(name);
        root.appendChild(n);
        return n;
    }
}
