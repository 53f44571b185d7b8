package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WebpEncoderTest {
    private final ImageEncoder encoder = new ImageEncoder(NativeTestSupport.NATIVES);

    private static OutputSpec webp(Integer quality, Boolean lossless) {
        return new OutputSpec("w", List.of(), Format.WEBP, quality, "file:///tmp/", null, lossless, null);
    }

    private byte[] encode(BufferedImage img, OutputSpec spec) throws JobFailure {
        return encoder.encode(img, spec, JobDeadline.after(Duration.ofSeconds(30)));
    }

    private static BufferedImage read(byte[] bytes) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(bytes)); // TwelveMonkeys' WebP reader, independent of libwebp
    }

    private static BufferedImage noisy(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(3);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        return img;
    }

    @Test
    void encode_lossy_isAWebpOfTheRightSizeAndColours() throws Exception {
        NativeTestSupport.assumeWebp();

        byte[] bytes = encode(TestImages.quadrants(64, 32), webp(90, null));

        assertThat(new String(bytes, 0, 4)).isEqualTo("RIFF");
        assertThat(new String(bytes, 8, 4)).isEqualTo("WEBP");
        BufferedImage back = read(bytes);
        assertThat(back.getWidth()).isEqualTo(64);
        assertThat(back.getColorModel().hasAlpha()).as("an opaque image gets no alpha").isFalse();
        assertThat(TestImages.near(back.getRGB(8, 8), TestImages.RED, 24)).isTrue();
        assertThat(TestImages.near(back.getRGB(56, 24), TestImages.WHITE, 24)).isTrue();
    }

    @Test
    void encode_quality_tradesSizeForFidelity() throws Exception {
        NativeTestSupport.assumeWebp();
        BufferedImage img = noisy(128, 128);

        assertThat(encode(img, webp(20, null)).length).isLessThan(encode(img, webp(95, null)).length / 2);
    }

    @Test
    void encode_lossless_keepsEveryPixel() throws Exception {
        NativeTestSupport.assumeWebp();
        BufferedImage img = noisy(40, 30);

        BufferedImage back = read(encode(img, webp(null, true)));

        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                assertThat(back.getRGB(x, y) & 0xffffff).isEqualTo(img.getRGB(x, y) & 0xffffff);
            }
        }
    }

    @Test
    void encode_alpha_isKept() throws Exception {
        NativeTestSupport.assumeWebp();
        BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLUE);
        g.fillRect(20, 0, 20, 20);
        g.dispose();

        BufferedImage lossy = read(encode(img, webp(90, null)));
        BufferedImage lossless = read(encode(img, webp(null, true)));

        assertThat(lossy.getRGB(5, 10) >>> 24).isZero();
        assertThat(lossy.getRGB(35, 10) >>> 24).isEqualTo(0xff);
        assertThat(lossless.getRGB(5, 10) >>> 24).isZero();
        assertThat(lossless.getRGB(35, 10)).isEqualTo(0xff0000ff);
    }

    @Test
    void encode_withoutLibwebp_failsNamingTheLibrary() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> new ImageEncoder(NativeCodecs.none())
                .encode(TestImages.quadrants(8, 8), webp(80, null), JobDeadline.after(Duration.ofSeconds(30))));

        assertThat(f.code()).isEqualTo(ErrorCode.ENCODE_FAILED);
        assertThat(f.getMessage()).contains("WebP output needs libwebp").contains("libwebp: not used");
    }
}
