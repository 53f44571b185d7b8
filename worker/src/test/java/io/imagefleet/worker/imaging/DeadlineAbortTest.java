package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Encoding a large output stops at the job's deadline: the writers' progress reports abort them.
 * The GIF writer (its colour quantisation) and the TIFF writer report no progress before they are
 * done (about 12 s each for 24 MP of noise here), so they cannot be stopped this way and are not
 * listed; the watchdog reports such a job stuck.
 */
class DeadlineAbortTest {
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Format.class, names = {"JPEG", "PNG", "BMP"})
    void encode_24MegapixelsPastTheDeadline_timeoutWithinASecond(Format format) {
        BufferedImage noise = new BufferedImage(6000, 4000, BufferedImage.TYPE_INT_RGB);
        int[] data = ((DataBufferInt) noise.getRaster().getDataBuffer()).getData();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextInt() & 0xffffff;
        }
        OutputSpec out = OutputSpec.of("big", List.of(), format, 90, "file:///out/");
        JobDeadline deadline = JobDeadline.after(Duration.ofMillis(200));

        long start = System.nanoTime();
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> new ImageEncoder().encode(noise, out, deadline));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        System.out.printf("%s encode past its deadline: thread back after %d ms%n", format, tookMs);
        assertThat(f).isNotNull();
        assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(tookMs).as("time to give the thread back").isLessThan(2000);
    }
}
