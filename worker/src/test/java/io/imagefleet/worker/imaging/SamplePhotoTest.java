package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplePhotoTest {
    @Test
    void jpeg_upright_probesAsACameraJpegWithItsOrientation() throws JobFailure {
        byte[] jpeg = SamplePhoto.of(640, 480).jpeg(6);

        ProbeResult header = new ImageProbe(50_000_000L).probe(jpeg);

        assertThat(header.format()).isEqualTo("jpeg");
        assertThat(header.width()).isEqualTo(640);
        assertThat(header.height()).isEqualTo(480);
        assertThat(header.orientation()).isEqualTo(6);
    }

    @Test
    void jpeg_decoded_isTurnedUprightAndHasPhotoLikeDetail() throws JobFailure {
        byte[] jpeg = SamplePhoto.of(640, 480).jpeg(6);
        ImageProbe probe = new ImageProbe(50_000_000L);

        BufferedImage img = new ImageDecoder().decode(jpeg, probe.probe(jpeg),
                new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30))));

        assertThat(img.getWidth()).isEqualTo(480);
        assertThat(img.getHeight()).isEqualTo(640);
        // Grain and shading: about as many bytes a pixel as a camera photo at this quality, not a flat picture's few.
        assertThat(jpeg.length / (640.0 * 480)).isBetween(0.15, 1.0);
    }

    @Test
    void jpeg_sameArguments_sameBytes() {
        assertThat(SamplePhoto.of(64, 48).jpeg(1)).isEqualTo(SamplePhoto.of(64, 48).jpeg(1));
    }

    @Test
    void jpeg_orientationOutOfRange_isRefused() {
        assertThatThrownBy(() -> SamplePhoto.of(64, 48).jpeg(9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1-8, got 9");
    }
}
