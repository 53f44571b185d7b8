package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Op;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class GaussianTest {
    private static final JobDeadline LATER = JobDeadline.after(Duration.ofMinutes(5));

    /** Blocks of random colours, some with alpha: edges everywhere, so a poor approximation shows. */
    private static BufferedImage blocks(int w, int h, boolean alpha) {
        BufferedImage img = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(7);
        for (int by = 0; by < h; by += 16) {
            for (int bx = 0; bx < w; bx += 16) {
                int argb = random.nextInt() | (alpha ? 0 : 0xff000000);
                for (int y = by; y < Math.min(h, by + 16); y++) {
                    for (int x = bx; x < Math.min(w, bx + 16); x++) {
                        img.setRGB(x, y, argb);
                    }
                }
            }
        }
        return img;
    }

    @ParameterizedTest(name = "sigma {0}")
    @ValueSource(doubles = {3.5, 8, 20})
    void blur_boxesAboveTheExactRange_withinTwoLevelsOfTheExactGaussianOnAverage(double sigma) throws Exception {
        BufferedImage img = blocks(400, 320, false);
        // Near the borders the passes extend the edge one after another, the kernel once: compare the worst inside.
        int border = (int) Math.ceil(3 * sigma);

        BufferedImage exact = Gaussian.blur(img, sigma, true, LATER);
        BufferedImage boxes = Gaussian.blur(img, sigma, false, LATER);

        long sum = 0;
        int worst = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int a = exact.getRGB(x, y);
                int b = boxes.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    int d = Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff));
                    sum += d;
                    if (x >= border && y >= border && x < img.getWidth() - border && y < img.getHeight() - border) {
                        worst = Math.max(worst, d);
                    }
                }
            }
        }
        System.out.printf("sigma %.1f: boxes against the exact kernel: mean %.3f, worst %d levels%n", sigma,
                sum / (3.0 * img.getWidth() * img.getHeight()), worst);
        double mean = sum / (3.0 * img.getWidth() * img.getHeight());
        assertThat(mean).as("mean difference in levels").isLessThan(2.0);
        assertThat(worst).as("largest difference in levels").isLessThan(16);
    }

    @ParameterizedTest(name = "sigma {0}")
    @ValueSource(doubles = {0.3, 2, 50})
    void blur_flatImageWithAlpha_keepsItsExactValue(double sigma) throws Exception {
        BufferedImage flat = new BufferedImage(60, 40, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 60; x++) {
                flat.setRGB(x, y, 0xff336699);
            }
        }

        BufferedImage out = Gaussian.blur(flat, sigma, LATER);

        assertThat(out.getRGB(0, 0)).isEqualTo(0xff336699);
        assertThat(out.getRGB(59, 39)).isEqualTo(0xff336699);
        assertThat(out.getRGB(30, 20)).isEqualTo(0xff336699);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"blur", "sharpen"})
    void apply_sigma100On24MegapixelsPastItsDeadline_timeoutWithinASecond(String which) {
        BufferedImage photo = new BufferedImage(6000, 4000, BufferedImage.TYPE_INT_RGB);
        Op op = which.equals("blur") ? new Op.Blur(100.0) : new Op.Sharpen(100.0);
        // The deadline and the measure on this thread's CPU time, which a loaded machine does not stretch.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        JobDeadline deadline = JobDeadline.after(Duration.ofMillis(300), () -> threads.getThreadCpuTime(self));

        long start = threads.getThreadCpuTime(self);
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> new ImageOps().apply(photo, List.of(op),
                new Geometry.Size(6000, 4000), deadline));
        long tookMs = (threads.getThreadCpuTime(self) - start) / 1_000_000;

        assertThat(f).isNotNull();
        assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(f.getMessage()).contains("ops[0] (" + which + ")");
        System.out.printf("%s past its deadline: thread back after %d ms of its CPU time%n", which, tookMs);
        assertThat(tookMs).as("CPU time to give the thread back").isLessThan(2000);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"upscale", "downscale"})
    void apply_resizePastItsDeadline_timeoutWithinASecond(String which) {
        boolean up = which.equals("upscale");
        BufferedImage photo = new BufferedImage(up ? 2000 : 8000, up ? 1500 : 6000, BufferedImage.TYPE_INT_ARGB);
        Op op = up ? new Op.Resize(8000, 6000, null, null, true) : Op.Resize.inside(3000, 3000);
        // The deadline and the measure on this thread's CPU time, which a loaded machine does not stretch.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        JobDeadline deadline = JobDeadline.after(Duration.ofMillis(100), () -> threads.getThreadCpuTime(self));

        long start = threads.getThreadCpuTime(self);
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> new ImageOps().apply(photo, List.of(op),
                new Geometry.Size(photo.getWidth(), photo.getHeight()), deadline));
        long tookMs = (threads.getThreadCpuTime(self) - start) / 1_000_000;

        assertThat(f).isNotNull();
        assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
        System.out.printf("%s past its deadline: thread back after %d ms of its CPU time%n", which, tookMs);
        assertThat(tookMs).as("CPU time to give the thread back").isLessThan(2000);
    }
}
