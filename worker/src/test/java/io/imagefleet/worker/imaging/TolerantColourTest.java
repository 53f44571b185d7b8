package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Embedded colour profiles the colour engine cannot use are ignored (the pixels taken as sRGB)
 * with a warning, on every decode path, instead of failing the job INTERNAL ("LCMS error 13:
 * Couldn't link the profiles" escaped from the native JPEG path).
 */
class TolerantColourTest {
    /** From TwelveMonkeys' imageio-jpeg tests jar: an sRGB photo whose APP2 profile LCMS cannot link. */
    static final String CORRUPTED_ICC = "/jpeg/corrupted-icc-srgb.jpg";

    static byte[] resource(String name) throws IOException {
        try (InputStream in = TolerantColourTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s (TwelveMonkeys' tests jar is a test dependency)", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static BufferedImage decode(NativeCodecs natives, byte[] bytes, List<String> warnings) throws Exception {
        return new ImageDecoder(natives).decode(bytes, new ImageProbe(50_000_000, natives).probe(bytes),
                new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30)), warnings));
    }

    @Test
    void decode_corruptedIccJpegThroughImageIo_succeedsWithAWarning() throws Exception {
        List<String> warnings = new ArrayList<>();

        BufferedImage img = decode(NativeCodecs.none(), resource(CORRUPTED_ICC), warnings);

        assertThat(img.getWidth()).isEqualTo(1024);
        assertThat(img.getHeight()).isEqualTo(685);
        assertThat(warnings).singleElement().asString().contains("colour profile").contains("LCMS error 13");
    }

    @Test
    void decode_corruptedIccJpegThroughLibjpegTurbo_succeedsWithTheSamePixelsAndAWarning() throws Exception {
        NativeTestSupport.assumeTurboJpeg();
        byte[] jpeg = resource(CORRUPTED_ICC);
        List<String> warnings = new ArrayList<>();

        BufferedImage fast = decode(NativeTestSupport.NATIVES, jpeg, warnings);
        BufferedImage slow = decode(NativeCodecs.none(), jpeg, new ArrayList<>());

        assertThat(warnings).singleElement().asString()
                .isEqualTo("the embedded ICC colour profile cannot be used (LCMS error 13: Couldn't link the profiles); "
                        + "the image was taken as sRGB");
        assertThat(NativeJpegTest.meanDifference(fast, slow)).isLessThan(1.0);
    }

    @Test
    void decode_pngWithCorruptIccp_succeedsAsSrgbWithAWarning() throws Exception {
        BufferedImage src = TestImages.solid(16, 16, 0x3366cc);
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        byte[] png = TestImages.pngWithRawProfile(src, Arrays.copyOf(profile, 100)); // a header and nothing else
        List<String> warnings = new ArrayList<>();

        BufferedImage img = decode(NativeCodecs.none(), png, warnings);

        assertThat(img.getRGB(8, 8) & 0xffffff).isEqualTo(0x3366cc);
        assertThat(warnings).singleElement().asString().startsWith("the PNG's iCCP profile is corrupt");
    }

    @Test
    void decode_usableProfile_addsNoWarning() throws Exception {
        byte[] png = TestImages.pngWithProfile(TestImages.solid(16, 16, 0x808080), ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB));
        List<String> warnings = new ArrayList<>();

        BufferedImage img = decode(NativeCodecs.none(), png, warnings);

        assertThat(warnings).isEmpty();
        assertThat(img.getRGB(8, 8) & 0xff).as("linear 128 is lighter in sRGB").isGreaterThan(180);
    }
}
