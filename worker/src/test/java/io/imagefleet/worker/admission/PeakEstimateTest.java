package io.imagefleet.worker.admission;

import io.imagefleet.wire.Animation;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.ProbeResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeakEstimateTest {
    private static final Geometry.Size CANVAS = new Geometry.Size(2000, 1500);

    private static List<OutputSpec> thumb(Animation animation) {
        return List.of(OutputSpec.of("t", List.of(Op.Resize.inside(100, 100)), Format.WEBP, null, "file:///out/")
                .withAnimation(animation));
    }

    @Test
    void bytes_animationKept_countsFullSizeFramesDespiteSubsampling() throws Exception {
        ProbeResult gif = new ProbeResult("gif", 2000, 1500, 40);

        long still = PeakEstimate.bytes(gif, CANVAS, 8, thumb(Animation.FIRST));
        long animated = PeakEstimate.bytes(gif, CANVAS, 8, thumb(Animation.KEEP));

        long canvas = 2000L * 1500 * 4;
        // The first frame decoded at 1/8, then the canvas, a disposal copy and a full-size frame through the resize.
        assertThat(animated).isGreaterThan(3 * canvas).isGreaterThan(still * 10);
    }

    @Test
    void bytes_animationKept_sameForAnyFrameCount() throws Exception {
        long few = PeakEstimate.bytes(new ProbeResult("webp", 2000, 1500, 2), CANVAS, 8, thumb(Animation.KEEP));
        long many = PeakEstimate.bytes(new ProbeResult("webp", 2000, 1500, 400), CANVAS, 8, thumb(Animation.KEEP));

        assertThat(many).isEqualTo(few);
    }

    @Test
    void bytes_keepOnAStillSource_countsAsStill() throws Exception {
        ProbeResult one = new ProbeResult("gif", 2000, 1500, 1);

        assertThat(PeakEstimate.bytes(one, CANVAS, 8, thumb(Animation.KEEP)))
                .isEqualTo(PeakEstimate.bytes(one, CANVAS, 8, thumb(Animation.FIRST)));
    }
}
