package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.time.Duration;
import java.util.Arrays;

import static io.imagefleet.worker.imaging.TestImages.RED;
import static io.imagefleet.worker.imaging.TestImages.WHITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ImageDecoderTest {
    private final ImageProbe probe = new ImageProbe(50_000_000);
    private final ImageDecoder decoder = new ImageDecoder();

    private BufferedImage decode(byte[] bytes) throws JobFailure {
        return decode(bytes, 1, false, true);
    }

    private BufferedImage decode(byte[] bytes, int subsampling, boolean acceptWarnings, boolean autoOrient) throws JobFailure {
        return decoder.decode(bytes, probe.probe(bytes),
                new ImageDecoder.Request(subsampling, acceptWarnings, autoOrient, JobDeadline.after(Duration.ofSeconds(30))));
    }

    private static int[] rgb(int argb) {
        return new int[] {(argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff};
    }

    @Test
    void decode_cmykJpeg_givesCyanNotRawInk() throws Exception {
        BufferedImage img = decode(TestImages.cmykJpeg(32, 16, new int[] {255, 0, 0, 0}, false));

        int[] c = rgb(img.getRGB(16, 8));
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(c[0]).as("red of cyan %s", Arrays.toString(c)).isLessThan(60);
        assertThat(c[1]).isGreaterThan(140);
        assertThat(c[2]).isGreaterThan(200);
    }

    @Test
    void decode_ycckJpeg_matchesTheSameInkAsCmyk() throws Exception {
        int[] ink = {0, 255, 0, 0}; // magenta
        int[] cmyk = rgb(decode(TestImages.cmykJpeg(32, 16, ink, false)).getRGB(16, 8));
        int[] ycck = rgb(decode(TestImages.cmykJpeg(32, 16, ink, true)).getRGB(16, 8));

        assertThat(ycck[0]).as("ycck %s vs cmyk %s", Arrays.toString(ycck), Arrays.toString(cmyk)).isCloseTo(cmyk[0], org.assertj.core.data.Offset.offset(6));
        assertThat(ycck[1]).isCloseTo(cmyk[1], org.assertj.core.data.Offset.offset(6));
        assertThat(ycck[2]).isCloseTo(cmyk[2], org.assertj.core.data.Offset.offset(6));
        assertThat(ycck[1]).as("magenta has little green").isLessThan(100);
    }

    @Test
    void decode_cmykJpegWithBlackInk_isDark() throws Exception {
        int[] c = rgb(decode(TestImages.cmykJpeg(16, 16, new int[] {0, 0, 0, 255}, false)).getRGB(8, 8));

        assertThat(Arrays.stream(c).boxed().toList()).allSatisfy(v -> assertThat(v).isLessThan(60));
    }

    @Test
    void decode_jpegWithEmbeddedLinearRgbProfile_isConvertedToSrgb() throws Exception {
        // 51 in linear light is 20% luminance: sRGB 124.
        byte[] jpeg = TestImages.jpegWithProfile(TestImages.solid(32, 16, 0x333333),
                ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB));

        int[] c = rgb(decode(jpeg).getRGB(16, 8));

        assertThat(Arrays.stream(c).boxed().toList()).as(Arrays.toString(c)).allSatisfy(v -> assertThat(v).isBetween(118, 130));
    }

    @Test
    void decode_pngWithEmbeddedLinearRgbProfile_isConvertedToSrgb() throws Exception {
        byte[] png = TestImages.pngWithProfile(TestImages.solid(32, 16, 0x333333), ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB));

        int[] c = rgb(decode(png).getRGB(16, 8));

        assertThat(Arrays.stream(c).boxed().toList()).as(Arrays.toString(c)).allSatisfy(v -> assertThat(v).isBetween(121, 127));
    }

    @Test
    void decode_grey16Png_keepsTheDisplayValue() throws Exception {
        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = grey.getRaster();
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                r.setSample(x, y, 0, 0x8080);
            }
        }

        BufferedImage img = decode(TestImages.encode(grey, "png"));

        assertThat(img.getRGB(4, 4) & 0xffffff).isEqualTo(0x808080);
    }

    @Test
    void decode_grey8PngWithAlpha_keepsGreyAndAlpha() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(8, 8);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                r.setPixel(x, y, new int[] {200, x < 4 ? 0 : 255});
            }
        }

        BufferedImage img = decode(TestImages.encode(new BufferedImage(cm, r, false, null), "png"));

        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(img.getRGB(6, 4)).isEqualTo(0xffc8c8c8);
        assertThat(img.getRGB(1, 4) >>> 24).isZero();
    }

    @Test
    void decode_rgb16Png_isScaledTo8Bits() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                java.awt.Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(8, 8);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                r.setPixel(x, y, new int[] {0xffff, 0x8000, 0x0000});
            }
        }

        BufferedImage img = decode(TestImages.encode(new BufferedImage(cm, r, false, null), "png"));

        assertThat(TestImages.near(img.getRGB(3, 3), 0xff8000, 1)).as("%08x", img.getRGB(3, 3)).isTrue();
    }

    @Test
    void decode_paletteWithTransparentEntry_keepsAlpha() throws Exception {
        IndexColorModel palette = new IndexColorModel(8, 2, new byte[] {(byte) 255, 0}, new byte[] {0, 0},
                new byte[] {0, (byte) 255}, 1);
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, palette);
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 8; y++) {
                img.getRaster().setSample(x, y, 0, 1);
            }
        }

        BufferedImage out = decode(TestImages.encode(img, "png"));

        assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(out.getRGB(1, 1) >>> 24).as("transparent entry").isZero();
        assertThat(out.getRGB(6, 1)).isEqualTo(0xffff0000);
    }

    @Test
    void decode_truncatedJpeg_failsWithTheReaderWarning() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(400, 300), "jpeg");
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decode(cut));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("warned").contains("allowDecodeWarnings");
    }

    @Test
    void decode_truncatedJpegWhenWarningsAreAccepted_givesAnImage() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(400, 300), "jpeg");

        BufferedImage img = decode(Arrays.copyOf(jpeg, jpeg.length / 2), 1, true, true);

        assertThat(img.getWidth()).isEqualTo(400);
    }

    @Test
    void decode_subsampling_givesASmallerImageWithTheSameColours() throws Exception {
        BufferedImage img = decode(TestImages.encode(TestImages.quadrants(400, 300), "png"), 4, false, true);

        assertThat(img.getWidth()).isEqualTo(100);
        assertThat(img.getHeight()).isEqualTo(75);
        assertThat(img.getRGB(5, 5) & 0xffffff).isEqualTo(RED);
        assertThat(img.getRGB(95, 70) & 0xffffff).isEqualTo(WHITE);
    }

    @Test
    void decode_pastTheDeadline_failsTimeout() throws Exception {
        byte[] png = TestImages.encode(TestImages.quadrants(400, 300), "png");
        JobDeadline passed = JobDeadline.after(Duration.ZERO);

        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> decoder.decode(png, probe.probe(png), new ImageDecoder.Request(1, false, true, passed)));

        assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(f.getMessage()).contains("while decoding");
    }

    @ParameterizedTest
    @CsvSource({"quadrants-lossless.webp, 0", "quadrants-lossy.webp, 24"})
    void decode_webp_readsTheQuadrants(String name, int tolerance) throws Exception {
        byte[] webp;
        try (var in = getClass().getResourceAsStream("/images/" + name)) {
            webp = in.readAllBytes();
        }

        BufferedImage img = decode(webp);

        assertThat(probe.probe(webp).format()).isEqualTo("webp");
        assertThat(img.getWidth()).isEqualTo(32);
        assertCorner(img, 3, 3, "ff0000");
        assertCorner(img, 28, 3, "00ff00");
        assertCorner(img, 3, 12, "0000ff");
        assertCorner(img, 28, 12, "ffffff");
        assertThat(TestImages.near(img.getRGB(3, 3), RED, tolerance)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"png", "jpeg", "gif", "bmp", "tiff"})
    void decode_eachFormatWrittenByImageIo_readsTheQuadrants(String format) throws Exception {
        BufferedImage img = decode(TestImages.encode(TestImages.quadrants(64, 32), format));

        assertThat(img.getWidth()).isEqualTo(64);
        assertCorner(img, 3, 3, "ff0000");
        assertCorner(img, 60, 28, "ffffff");
    }

    /**
     * Stored quadrants red, green / blue, white; each EXIF orientation must show them where the
     * tag says (colours listed top-left, top-right, bottom-left, bottom-right once upright).
     */
    @ParameterizedTest(name = "orientation {0}")
    @CsvSource({
        "1, 64, 32, ff0000, 00ff00, 0000ff, ffffff",
        "2, 64, 32, 00ff00, ff0000, ffffff, 0000ff",
        "3, 64, 32, ffffff, 0000ff, 00ff00, ff0000",
        "4, 64, 32, 0000ff, ffffff, ff0000, 00ff00",
        "5, 32, 64, ff0000, 0000ff, 00ff00, ffffff",
        "6, 32, 64, 0000ff, ff0000, ffffff, 00ff00",
        "7, 32, 64, ffffff, 00ff00, 0000ff, ff0000",
        "8, 32, 64, 00ff00, ffffff, ff0000, 0000ff"})
    void decode_exifOrientation_turnsTheImageUpright(int orientation, int w, int h, String tl, String tr, String bl, String br)
            throws Exception {
        for (boolean little : new boolean[] {false, true}) {
            BufferedImage img = decode(TestImages.jpegWithOrientation(TestImages.quadrants(64, 32), orientation, little));

            assertThat(img.getWidth()).isEqualTo(w);
            assertThat(img.getHeight()).isEqualTo(h);
            assertCorner(img, 3, 3, tl);
            assertCorner(img, w - 4, 3, tr);
            assertCorner(img, 3, h - 4, bl);
            assertCorner(img, w - 4, h - 4, br);
        }
    }

    @Test
    void decode_exifOrientationWithAutoOrientOff_keepsTheStoredLayout() throws Exception {
        BufferedImage img = decode(TestImages.jpegWithOrientation(TestImages.quadrants(64, 32), 6, false), 1, false, false);

        assertThat(img.getWidth()).isEqualTo(64);
        assertCorner(img, 3, 3, "ff0000");
    }

    private static void assertCorner(BufferedImage img, int x, int y, String hex) {
        int want = Integer.parseInt(hex, 16);
        assertThat(TestImages.near(img.getRGB(x, y), want, 40))
                .as("pixel %d,%d is %06x, want %s", x, y, img.getRGB(x, y) & 0xffffff, hex).isTrue();
    }
}
