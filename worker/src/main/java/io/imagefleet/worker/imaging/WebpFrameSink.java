package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.image.BufferedImage;

/**
 * An animated WebP output through libwebpmux's {@code WebPAnimEncoder}, lossy at the output's
 * quality or lossless, each frame's encode stopped by the deadline (libwebp's progress hook).
 * Used by one thread.
 */
final class WebpFrameSink implements FrameSink {
    private final LibWebpAnim lib;
    private final OutputSpec out;
    private final int loopCount;
    private final JobDeadline deadline;
    private LibWebpAnim.Encoder encoder;
    private int timestamp;

    WebpFrameSink(LibWebpAnim lib, OutputSpec out, int loopCount, JobDeadline deadline) {
        this.lib = lib;
        this.out = out;
        this.loopCount = loopCount;
        this.deadline = deadline;
    }

    @Override
    public void add(BufferedImage frame, int durationMs) throws JobFailure {
        int w = frame.getWidth();
        int h = frame.getHeight();
        int[] argb = Pixels.argb(frame, deadline);
        if (!frame.getColorModel().hasAlpha()) {
            for (int i = 0; i < argb.length; i++) {
                argb[i] |= 0xff000000;
            }
        }
        try {
            if (encoder == null) {
                encoder = lib.encoder(w, h, loopCount,
                        out.quality() == null ? ImageEncoder.DEFAULT_WEBP_QUALITY : out.quality(), out.lossless());
            }
            encoder.add(argb, timestamp, deadline);
            timestamp += durationMs;
        } catch (NativeCodecException e) {
            deadline.check("encoding " + out.name());
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name() + " cannot be encoded as an animated webp: "
                    + e.getMessage(), e);
        }
        deadline.check("encoding " + out.name());
    }

    @Override
    public byte[] finish() throws JobFailure {
        try {
            return encoder.assemble(timestamp);
        } catch (NativeCodecException e) {
            throw new JobFailure(ErrorCode.ENCODE_FAILED, "output " + out.name() + " cannot be encoded as an animated webp: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
