package io.imagefleet.worker.imaging.x11;

import com.sun.management.ThreadMXBean;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.ImageProbe;
import io.imagefleet.worker.pipeline.JobDeadline;
import io.imagefleet.worker.pipeline.JobFailure;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The hand-written XBM and XPM fixtures in src/test/resources/images, and the worker's probe and decode of bytes. */
final class X11Fixtures {
    static final ImageProbe PROBE = new ImageProbe(50_000_000);
    private static final ImageDecoder DECODER = new ImageDecoder();

    private X11Fixtures() {
    }

    static byte[] resource(String name) {
        try (InputStream in = X11Fixtures.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource /images/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Probes then decodes, as the pipeline does (full size, upright, warnings refused). */
    static BufferedImage decode(byte[] bytes) throws JobFailure {
        return DECODER.decode(bytes, PROBE.probe(bytes),
                new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30))));
    }

    /** A failure, and the bytes the thread allocated on the way to it. */
    record Refusal(JobFailure failure, long allocated) {
    }

    /** Runs {@code action}, which must fail with a JobFailure, counting what this thread allocates meanwhile. */
    static Refusal refusal(ThrowingCallable action) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        JobFailure f = catchThrowableOfType(JobFailure.class, action);
        return new Refusal(f, threads.getCurrentThreadAllocatedBytes() - before);
    }

    /**
     * The probe refuses {@code bomb}, whose header declares 50000x50000 pixels, as too large, and
     * allocates under 10 MB on the way: it reads the header and no pixel. {@code fixture} (a small
     * file of the same format) is probed first, so that loading the plugins is not counted.
     */
    static void assertProbeRefuses50000x50000WithoutAllocating(byte[] fixture, byte[] bomb) throws JobFailure {
        PROBE.probe(fixture);

        Refusal r = refusal(() -> PROBE.probe(bomb));

        assertThat(r.failure().code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(r.failure().getMessage()).startsWith("source is 50000x50000 (2500.0 MP)");
        assertThat(r.allocated()).as("bytes allocated by the probe").isLessThan(10L << 20);
    }

    /** The image as rows of '#' (black) and '.' (white); any other colour is '?'. */
    static String[] blackAndWhite(BufferedImage img) {
        String[] rows = new String[img.getHeight()];
        for (int y = 0; y < img.getHeight(); y++) {
            StringBuilder sb = new StringBuilder();
            for (int x = 0; x < img.getWidth(); x++) {
                int argb = img.getRGB(x, y);
                sb.append(argb == 0xff000000 ? '#' : argb == 0xffffffff ? '.' : '?');
            }
            rows[y] = sb.toString();
        }
        return rows;
    }
}
