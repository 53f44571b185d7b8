package io.imagefleet.worker.imaging;

import com.sun.management.ThreadMXBean;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ImageProbeTest {
    private final ImageProbe probe = new ImageProbe(50_000_000);

    @Test
    void probe_tinyPngDeclaring50000x50000_isRefusedFromTheHeaderWithoutAllocating() throws Exception {
        byte[] bomb = TestImages.pngDeclaring(50_000, 50_000);
        probe.probe(TestImages.encode(TestImages.solid(8, 8, TestImages.RED), "png")); // load the plugins first
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> probe.probe(bomb));

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(bomb.length).isLessThan(100);
        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).isEqualTo("source is 50000x50000 (2500.0 MP); the limit is 50.0 MP and 65500 pixels a side");
        assertThat(allocated).as("bytes allocated by the probe").isLessThan(10L << 20);
    }

    @Test
    void probe_sideOverTheMaximum_isTooLargeEvenWithFewPixels() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> probe.probe(TestImages.pngDeclaring(70_000, 10)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).contains("70000x10");
    }

    @Test
    void probe_zeroBytes_isUnsupportedFormat() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> probe.probe(new byte[0]));

        assertThat(f.code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT);
        assertThat(f.getMessage()).contains("empty (0 bytes)");
    }

    @Test
    void probe_htmlErrorPageSavedAsJpg_isUnsupportedFormat() {
        byte[] html = "<!DOCTYPE html><html><body>404 Not Found</body></html>".getBytes(StandardCharsets.UTF_8);

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> probe.probe(html));

        assertThat(f.code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT);
        assertThat(f.getMessage()).contains(html.length + " bytes, starting 3c21444f");
    }

    @Test
    void probe_formatComesFromTheBytes() throws Exception {
        ProbeResult png = probe.probe(TestImages.encode(TestImages.solid(30, 20, TestImages.RED), "png"));
        ProbeResult gif = probe.probe(TestImages.encode(TestImages.solid(30, 20, TestImages.RED), "gif"));
        ProbeResult bmp = probe.probe(TestImages.encode(TestImages.solid(30, 20, TestImages.RED), "bmp"));
        ProbeResult tiff = probe.probe(TestImages.encode(TestImages.solid(30, 20, TestImages.RED), "tiff"));

        assertThat(png).isEqualTo(new ProbeResult("png", 30, 20, 1));
        assertThat(gif.format()).isEqualTo("gif");
        assertThat(bmp.format()).isEqualTo("bmp");
        assertThat(tiff.format()).isEqualTo("tiff");
    }

    @Test
    void probe_animatedGif_reportsItsFrames() throws Exception {
        // Regression: the JDK's GIF reader cannot count frames without reading them, so the probe said -1 and
        // the result's source.frames was empty for every GIF.
        ProbeResult gif = probe.probe(GifBlocksTest.animatedGif(6, 50, 40));

        assertThat(gif).isEqualTo(new ProbeResult("gif", 50, 40, 6));
    }

    @Test
    void probe_truncatedHeader_failsDecode() throws Exception {
        byte[] png = TestImages.encode(TestImages.solid(30, 20, TestImages.RED), "png");

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> probe.probe(Arrays.copyOf(png, 20)));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
    }

    @Test
    void probe_exifOrientation_isReadAndTurnsTheSize() throws Exception {
        ProbeResult r = probe.probe(TestImages.jpegWithOrientation(TestImages.solid(40, 20, TestImages.RED), 6, false));

        assertThat(r.orientation()).isEqualTo(6);
        assertThat(r.orientedWidth(true)).isEqualTo(20);
        assertThat(r.orientedHeight(true)).isEqualTo(40);
        assertThat(r.orientedWidth(false)).isEqualTo(40);
    }
}
