package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The libjpeg-turbo path against the ImageIO path on the same JPEGs: same sizes, same colours. */
class NativeJpegTest {
    private final ImageProbe nativeProbe = new ImageProbe(50_000_000, NativeTestSupport.NATIVES);
    private final ImageDecoder nativeDecoder = new ImageDecoder(NativeTestSupport.NATIVES);
    private final ImageProbe probe = new ImageProbe(50_000_000);
    private final ImageDecoder decoder = new ImageDecoder();

    @BeforeEach
    void needsTurboJpeg() {
        NativeTestSupport.assumeTurboJpeg();
    }

    private static ImageDecoder.Request request(int factor, boolean acceptWarnings) {
        return new ImageDecoder.Request(factor, acceptWarnings, true, JobDeadline.after(Duration.ofSeconds(30)));
    }

    private BufferedImage viaNative(byte[] jpeg, int factor) throws JobFailure {
        return nativeDecoder.decode(jpeg, nativeProbe.probe(jpeg), request(factor, false));
    }

    private BufferedImage viaImageIo(byte[] jpeg, int factor) throws JobFailure {
        return decoder.decode(jpeg, probe.probe(jpeg), request(factor, false));
    }

    /** Mean absolute difference per channel, over every pixel. */
    static double meanDifference(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) {
                    sum += Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    private static BufferedImage photoLike(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (int) (127 + 120 * Math.sin(x / 37.0));
                int g = (int) (127 + 120 * Math.cos(y / 23.0));
                int b = (x * 255 / w + y * 255 / h) / 2;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    @Test
    void probe_nativeHeader_matchesImageIo() throws Exception {
        byte[] jpeg = TestImages.jpegWithOrientation(photoLike(321, 123), 6, true);

        ProbeResult fast = nativeProbe.probe(jpeg);
        ProbeResult slow = probe.probe(jpeg);

        assertThat(fast).usingRecursiveComparison().ignoringFields("frames").isEqualTo(slow);
        assertThat(fast.frames()).isEqualTo(1); // a JPEG holds one frame; ImageIO does not count (-1)
    }

    @Test
    void probe_nativeHeaderOverTheLimit_isRefusedWithTheNumbers() throws Exception {
        byte[] jpeg = TestImages.encode(photoLike(200, 100), "jpeg");
        // SOF0 carries height then width, big-endian; make it 60000 x 40000.
        for (int i = 2; i + 9 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                jpeg[i + 5] = (byte) (40000 >> 8);
                jpeg[i + 6] = (byte) 40000;
                jpeg[i + 7] = (byte) (60000 >> 8);
                jpeg[i + 8] = (byte) 60000;
                break;
            }
        }

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> nativeProbe.probe(jpeg));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).contains("60000x40000");
    }

    @Test
    void decode_fullSize_givesTheSamePixelsAsImageIo() throws Exception {
        byte[] jpeg = TestImages.encode(photoLike(640, 480), "jpeg");

        BufferedImage fast = viaNative(jpeg, 1);
        BufferedImage slow = viaImageIo(jpeg, 1);

        assertThat(fast.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(meanDifference(fast, slow)).isLessThan(1.0);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 7, 8, 11})
    void decode_plannedFactor_usesTheDctScaleThatKeepsThePlan(int factor) throws Exception {
        byte[] jpeg = TestImages.encode(photoLike(1600, 1200), "jpeg");

        BufferedImage fast = viaNative(jpeg, factor);

        // Never smaller than the plan's size (width / factor), never more than twice it.
        assertThat(fast.getWidth()).isBetween(1600 / factor, 2 * 1600 / factor);
        assertThat(nativeDecoder.subsamplingFor(nativeProbe.probe(jpeg), factor)).isLessThanOrEqualTo(factor);
    }

    @Test
    void decode_reducedScale_matchesImageIoAfterTheSameResize() throws Exception {
        byte[] jpeg = TestImages.encode(photoLike(1600, 1200), "jpeg");
        ImageOps ops = new ImageOps();
        java.util.List<io.imagefleet.wire.Op> thumb = java.util.List.of(io.imagefleet.wire.Op.Resize.inside(200, 200));
        Geometry.Size size = new Geometry.Size(1600, 1200);
        JobDeadline d = JobDeadline.after(Duration.ofSeconds(30));

        BufferedImage fast = ops.apply(viaNative(jpeg, 4), thumb, size, d);
        BufferedImage slow = ops.apply(viaImageIo(jpeg, 1), thumb, size, d);

        assertThat(meanDifference(fast, slow)).isLessThan(2.0);
    }

    @Test
    void decode_greyJpeg_staysGrey() throws Exception {
        BufferedImage grey = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                grey.getRaster().setSample(x, y, 0, x * 4);
            }
        }
        byte[] jpeg = TestImages.encode(grey, "jpeg");

        BufferedImage fast = viaNative(jpeg, 1);

        assertThat(meanDifference(fast, viaImageIo(jpeg, 1))).isLessThan(1.0);
        int p = fast.getRGB(40, 10);
        assertThat((p >> 16) & 0xff).isEqualTo(p & 0xff).isEqualTo((p >> 8) & 0xff);
    }

    @Test
    void decode_embeddedLinearRgbProfile_isApplied() throws Exception {
        byte[] jpeg = TestImages.jpegWithProfile(TestImages.solid(64, 32, 0x333333), ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB));

        BufferedImage fast = viaNative(jpeg, 1);

        assertThat(fast.getRGB(30, 15) & 0xff).isBetween(118, 130);
        assertThat(meanDifference(fast, viaImageIo(jpeg, 1))).isLessThan(2.0);
    }

    @Test
    void decode_exifOrientation_isAppliedLikeImageIo() throws Exception {
        byte[] jpeg = TestImages.jpegWithOrientation(TestImages.quadrants(64, 32), 8, false);

        BufferedImage fast = viaNative(jpeg, 1);

        assertThat(fast.getWidth()).isEqualTo(32);
        assertThat(meanDifference(fast, viaImageIo(jpeg, 1))).isLessThan(1.0);
    }

    @Test
    void decode_cmykJpeg_goesThroughImageIoWithTheSameColours() throws Exception {
        byte[] jpeg = TestImages.cmykJpeg(32, 16, new int[] {255, 0, 0, 0}, false);

        assertThat(meanDifference(viaNative(jpeg, 1), viaImageIo(jpeg, 1))).isZero();
    }

    @Test
    void decode_truncated_failsWithTheLibraryWarningUnlessAccepted() throws Exception {
        byte[] jpeg = TestImages.encode(photoLike(400, 300), "jpeg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> viaNative(cut, 1));
        BufferedImage accepted = nativeDecoder.decode(cut, nativeProbe.probe(cut), request(1, true));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("libjpeg-turbo warned").contains("allowDecodeWarnings");
        assertThat(accepted.getWidth()).isEqualTo(400);
    }

    @Test
    void decode_garbageAfterTheHeader_failsDecodeWithoutCrashing() throws Exception {
        byte[] jpeg = TestImages.encode(photoLike(400, 300), "jpeg");
        for (int i = jpeg.length / 3; i < jpeg.length - 2; i++) {
            jpeg[i] = (byte) (i * 31);
        }

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> viaNative(jpeg, 1));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
    }
}
