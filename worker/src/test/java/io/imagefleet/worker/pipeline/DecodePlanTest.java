package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DecodePlanTest {
    private static OutputSpec out(Op... ops) {
        return OutputSpec.of("o", List.of(ops), Format.JPEG, null, "file:///tmp/");
    }

    @Test
    void subsampling_keepsTwiceTheLargestOutput() {
        assertThat(DecodePlan.subsampling(4000, 3000, List.of(out(Op.Resize.inside(256, 256))))).isEqualTo(7);
        assertThat(DecodePlan.subsampling(4000, 3000, List.of(out(Op.Resize.inside(256, 256)),
                out(Op.Resize.inside(1024, 1024))))).isEqualTo(1);
        assertThat(DecodePlan.subsampling(6000, 4000, List.of(out(Op.Resize.inside(256, 256)),
                out(Op.Resize.inside(1024, 1024))))).isEqualTo(2);
    }

    @Test
    void subsampling_coverAndFillUseTheCoveringSize() {
        // cover 256x256 of 4000x1000 scales to 1024x256: 1000 / (2 * 256) = 1
        assertThat(DecodePlan.subsampling(4000, 1000, List.of(out(new Op.Resize(256, 256, Fit.FILL, null, null))))).isEqualTo(1);
        assertThat(DecodePlan.subsampling(4000, 1000, List.of(out(Op.Resize.inside(256, 256))))).isEqualTo(7);
    }

    @Test
    void subsampling_throughLeadingRotateFlipAndGrey_toTheResize() {
        assertThat(DecodePlan.subsampling(4000, 3000, List.of(out(new Op.Rotate(90), new Op.Grayscale(),
                new Op.Flip(null), Op.Resize.inside(256, 256))))).isEqualTo(7);
    }

    @Test
    void subsampling_cropOrBlurFirstOrNoResize_decodesEveryPixel() {
        assertThat(DecodePlan.subsampling(4000, 3000, List.of(out(new Op.Crop(0, 0, 100, 100, null),
                Op.Resize.inside(50, 50))))).isEqualTo(1);
        assertThat(DecodePlan.subsampling(4000, 3000, List.of(out(new Op.Blur(2.0), Op.Resize.inside(50, 50))))).isEqualTo(1);
        assertThat(DecodePlan.subsampling(4000, 3000, List.of(out()))).isEqualTo(1);
    }

    @Test
    void subsampling_noUpscaleOutputLargerThanSource_decodesEveryPixel() {
        assertThat(DecodePlan.subsampling(300, 200, List.of(out(Op.Resize.inside(1000, 1000))))).isEqualTo(1);
    }
}
