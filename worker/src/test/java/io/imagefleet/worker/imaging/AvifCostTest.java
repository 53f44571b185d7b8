package io.imagefleet.worker.imaging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AvifCostTest {
    @Test
    void maxPixels_defaultSpeed_isTheSetting() {
        assertThat(AvifCost.maxPixels(16_000_000, null)).isEqualTo(16_000_000);
        assertThat(AvifCost.maxPixels(16_000_000, 8)).isEqualTo(16_000_000);
    }

    @Test
    void maxPixels_slowerSpeeds_allowFewerPixelsEachStep() {
        for (int speed = 0; speed < 8; speed++) {
            assertThat(AvifCost.maxPixels(16_000_000, speed)).as("speed %d", speed)
                    .isLessThan(AvifCost.maxPixels(16_000_000, speed + 1));
        }
    }

    @Test
    void maxPixels_fastestSpeeds_allowMoreAndTenIsAomsNine() {
        assertThat(AvifCost.maxPixels(16_000_000, 9)).isEqualTo(64_000_000);
        assertThat(AvifCost.maxPixels(16_000_000, 10)).isEqualTo(AvifCost.maxPixels(16_000_000, 9));
    }

    @Test
    void maxPixels_hugeSetting_saturatesAndTinyStaysPositive() {
        assertThat(AvifCost.maxPixels(Long.MAX_VALUE, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(AvifCost.maxPixels(1, 0)).isEqualTo(1);
    }
}
