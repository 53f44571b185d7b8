package io.imagefleet.worker.imaging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class NclxColourTest {
    /** Display P3 (SMPTE EG 432-1, code point 12) as libheif reports its chromaticities. */
    private static final float[] P3_XY = {0.680f, 0.320f, 0.265f, 0.690f, 0.150f, 0.060f, 0.3127f, 0.3290f};

    private static double srgbToLinear(int v) {
        double c = v / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static int linearToSrgb(double v) {
        double c = Math.max(0, Math.min(1, v));
        return (int) Math.round(255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055));
    }

    @Test
    void toSrgb_displayP3_matchesThePublishedP3ToSrgbMatrix() {
        int[] px = {(180 << 16) | (120 << 8) | 60};
        // The linear Display P3 to linear sRGB matrix as published (e.g. by the W3C CSS Color 4 sample code).
        double r = srgbToLinear(180);
        double g = srgbToLinear(120);
        double b = srgbToLinear(60);
        int er = linearToSrgb(1.2249401 * r - 0.2249404 * g);
        int eg = linearToSrgb(-0.0420569 * r + 1.0420571 * g);
        int eb = linearToSrgb(-0.0196376 * r - 0.0786361 * g + 1.0982735 * b);

        NclxColour.toSrgb(px, new LibHeif.Nclx(12, 13, P3_XY), new ArrayList<>());

        assertThat((px[0] >> 16) & 0xff).isCloseTo(er, offset(1));
        assertThat((px[0] >> 8) & 0xff).isCloseTo(eg, offset(1));
        assertThat(px[0] & 0xff).isCloseTo(eb, offset(1));
        assertThat((px[0] >> 16) & 0xff).as("P3 red is redder than the same numbers in sRGB").isGreaterThan(180);
    }

    @Test
    void toSrgb_greyInP3_staysGrey() {
        int[] px = {0xff808080};

        NclxColour.toSrgb(px, new LibHeif.Nclx(12, 13, P3_XY), new ArrayList<>());

        assertThat(px[0]).isEqualTo(0xff808080);
    }

    @Test
    void toSrgb_bt709Primaries_leavesThePixelsAlone() {
        int[] px = {0x123456, 0xfedcba};

        NclxColour.toSrgb(px, new LibHeif.Nclx(1, 13, new float[8]), new ArrayList<>());

        assertThat(px).containsExactly(0x123456, 0xfedcba);
    }

    @Test
    void toSrgb_pqTransfer_isLeftWithAWarning() {
        int[] px = {0x123456};
        List<String> warnings = new ArrayList<>();

        NclxColour.toSrgb(px, new LibHeif.Nclx(9, 16, P3_XY), warnings);

        assertThat(px).containsExactly(0x123456);
        assertThat(warnings).singleElement().asString().contains("transfer characteristic 16").contains("not tone-mapped");
    }
}
