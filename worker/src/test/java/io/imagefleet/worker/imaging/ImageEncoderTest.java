package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.imagefleet.worker.imaging.TestImages.BLUE;
import static io.imagefleet.worker.imaging.TestImages.RED;
import static io.imagefleet.worker.imaging.TestImages.WHITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ImageEncoderTest {
    private final ImageEncoder encoder = new ImageEncoder();
    private final ImageProbe probe = new ImageProbe(50_000_000);

    private static OutputSpec out(Format format, Integer quality, Boolean progressive, String background) {
        return new OutputSpec("o", List.of(), format, quality, "file:///tmp/", progressive, null, background);
    }

    private byte[] encode(BufferedImage img, OutputSpec spec) throws JobFailure {
        return encoder.encode(img, spec, JobDeadline.after(Duration.ofSeconds(30)));
    }

    private static BufferedImage read(byte[] bytes) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    /** Left half transparent, right half opaque blue. */
    private static BufferedImage halfTransparent() {
        BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(BLUE));
        g.fillRect(20, 0, 20, 20);
        g.dispose();
        return img;
    }

    @ParameterizedTest
    @EnumSource(value = Format.class, names = {"JPEG", "PNG", "GIF", "BMP", "TIFF"})
    void encode_eachFormat_readsBackWithTheSameSizeFormatAndColours(Format format) throws Exception {
        byte[] bytes = encode(TestImages.quadrants(64, 32), out(format, 95, null, null));

        ProbeResult header = probe.probe(bytes);
        BufferedImage back = read(bytes);
        assertThat(header.format()).isEqualTo(format.wireName());
        assertThat(back.getWidth()).isEqualTo(64);
        assertThat(back.getHeight()).isEqualTo(32);
        assertThat(TestImages.near(back.getRGB(5, 5), RED, 8)).isTrue();
        assertThat(TestImages.near(back.getRGB(60, 28), WHITE, 8)).isTrue();
    }

    @Test
    void encode_jpegQuality_tradesSizeForFidelity() throws Exception {
        BufferedImage noisy = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(1);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                noisy.setRGB(x, y, r.nextInt(0xffffff));
            }
        }

        int low = encode(noisy, out(Format.JPEG, 30, null, null)).length;
        int high = encode(noisy, out(Format.JPEG, 95, null, null)).length;

        assertThat(low).isLessThan(high / 2);
    }

    @Test
    void encode_progressiveJpeg_writesAProgressiveFrame() throws Exception {
        byte[] progressive = encode(TestImages.quadrants(64, 64), out(Format.JPEG, 85, true, null));
        byte[] baseline = encode(TestImages.quadrants(64, 64), out(Format.JPEG, 85, false, null));

        assertThat(hasMarker(progressive, 0xc2)).isTrue();
        assertThat(hasMarker(baseline, 0xc2)).isFalse();
        assertThat(hasMarker(baseline, 0xc0)).isTrue();
    }

    @Test
    void encode_transparentToJpeg_layersOverWhite() throws Exception {
        BufferedImage back = read(encode(halfTransparent(), out(Format.JPEG, 95, null, null)));

        assertThat(TestImages.near(back.getRGB(5, 10), WHITE, 4)).as("%06x", back.getRGB(5, 10) & 0xffffff).isTrue();
        assertThat(TestImages.near(back.getRGB(35, 10), BLUE, 8)).isTrue();
    }

    @Test
    void encode_transparentToJpegWithBackground_layersOverThatColour() throws Exception {
        BufferedImage back = read(encode(halfTransparent(), out(Format.JPEG, 95, null, "#ff0000")));

        assertThat(TestImages.near(back.getRGB(5, 10), RED, 8)).isTrue();
    }

    @Test
    void encode_transparentToBmp_layersOverWhite() throws Exception {
        BufferedImage back = read(encode(halfTransparent(), out(Format.BMP, null, null, null)));

        assertThat(back.getRGB(5, 10) & 0xffffff).isEqualTo(WHITE);
    }

    @Test
    void encode_transparentToPngAndGif_keepsTransparency() throws Exception {
        BufferedImage png = read(encode(halfTransparent(), out(Format.PNG, null, null, null)));
        BufferedImage gif = read(encode(halfTransparent(), out(Format.GIF, null, null, null)));

        assertThat(png.getRGB(5, 10) >>> 24).isZero();
        assertThat(png.getRGB(35, 10)).isEqualTo(0xff0000ff);
        assertThat(gif.getRGB(5, 10) >>> 24).isZero();
        assertThat(TestImages.near(gif.getRGB(35, 10), BLUE, 8)).isTrue();
    }

    @Test
    void encode_decodedExifJpeg_writesNoMetadata() throws Exception {
        byte[] source = TestImages.jpegWithOrientation(TestImages.quadrants(64, 32), 6, false);
        BufferedImage decoded = new ImageDecoder().decode(source, probe.probe(source),
                new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30))));

        byte[] out = encode(decoded, out(Format.JPEG, 85, null, null));

        assertThat(new String(source, StandardCharsets.ISO_8859_1)).contains("Exif");
        assertThat(new String(out, StandardCharsets.ISO_8859_1)).doesNotContain("Exif");
        assertThat(probe.probe(out).orientation()).isEqualTo(1);
    }

    @Test
    void encode_pastTheDeadline_failsTimeout() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> encoder.encode(TestImages.quadrants(64, 64),
                out(Format.PNG, null, null, null), JobDeadline.after(Duration.ZERO)));

        assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
    }

    private static boolean hasMarker(byte[] jpeg, int marker) {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == marker) {
                return true;
            }
        }
        return false;
    }
}
