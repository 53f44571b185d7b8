package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.image.BufferedImage;

/**
 * The frames of an animated WebP through libwebpdemux's {@code WebPAnimDecoder}, which blends
 * and disposes of each frame itself and hands back the full canvas. Used by one thread.
 */
final class WebpFrames implements FrameSource {
    private final LibWebpAnim.Decoder decoder;
    private final AnimationHeader header;
    private final JobDeadline deadline;
    private final int[] argb;
    private final BufferedImage canvas;
    private int index;
    private int lastTimestamp;

    private WebpFrames(LibWebpAnim.Decoder decoder, AnimationHeader header, JobDeadline deadline) {
        this.decoder = decoder;
        this.header = header;
        this.deadline = deadline;
        this.argb = new int[Math.multiplyExact(header.canvasWidth(), header.canvasHeight())];
        this.canvas = Pixels.image(argb, header.canvasWidth(), header.canvasHeight(), true);
    }

    /** The header of a WebP file, without decoding. */
    static AnimationHeader header(LibWebpAnim lib, byte[] bytes) throws JobFailure {
        try {
            LibWebpAnim.Header h = lib.header(bytes);
            return new AnimationHeader("webp", h.canvasWidth(), h.canvasHeight(), h.frames(), h.loopCount());
        } catch (NativeCodecException e) {
            throw new JobFailure(ErrorCode.DECODE_FAILED, "the WebP's header cannot be read: " + e.getMessage(), e);
        }
    }

    /** Opens the decoder; the header must have been checked against the limits. */
    static WebpFrames open(LibWebpAnim lib, byte[] bytes, AnimationHeader header, JobDeadline deadline) throws JobFailure {
        try {
            return new WebpFrames(lib.decoder(bytes), header, deadline);
        } catch (NativeCodecException e) {
            throw new JobFailure(ErrorCode.DECODE_FAILED, "the animated WebP cannot be decoded: " + e.getMessage(), e);
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
        deadline.check("decoding frame " + index + " of the animated WebP");
        try {
            int end = decoder.next(argb);
            int duration = end - lastTimestamp;
            lastTimestamp = end;
            index++;
            return new Frame(canvas, duration);
        } catch (NativeCodecException e) {
            throw new JobFailure(ErrorCode.DECODE_FAILED, "frame " + index + " of the animated WebP cannot be decoded: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        decoder.close();
    }
}
