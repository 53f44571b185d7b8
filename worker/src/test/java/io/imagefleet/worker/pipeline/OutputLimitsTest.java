package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Animation;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class OutputLimitsTest {
    private final OutputLimits limits = new OutputLimits(50_000_000);

    private static Job job(OutputSpec... outputs) {
        return Job.of("j", "file:///in/a.jpg", Arrays.asList(outputs));
    }

    private static OutputSpec out(String name, Op... ops) {
        return OutputSpec.of(name, List.of(ops), Format.JPEG, 80, "file:///out/");
    }

    @Test
    void check_upscaleTo65500Square_imageTooLargeWithTheNumbers() {
        Job job = job(out("huge", new Op.Resize(65_500, 65_500, Fit.INSIDE, null, true)));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> limits.check(job, new Geometry.Size(640, 640)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).isEqualTo("outputs[0] (huge): ops[0] (resize) would make a 65500x65500 (4290.3 MP) "
                + "image; the limit is 50.0 MP per image (IMAGEFLEET_MAX_OUTPUT_PIXELS)");
    }

    @Test
    void check_widthOnlyUpscaleOfATallSliver_saturatesInsteadOfWrapping() {
        // 65500 / 1 = 65500 times taller: 4.29e9 rows, more than an int holds.
        Job job = job(out("sliver", new Op.Resize(65_500, null, Fit.INSIDE, null, true)));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> limits.check(job, new Geometry.Size(1, 65_500)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).contains("65500x2147483647");
    }

    @Test
    void check_upscaleCroppedBackDown_refusedForTheImageOnTheWay() {
        Job job = job(out("sneaky", new Op.Resize(20_000, 20_000, Fit.INSIDE, null, true), new Op.Crop(0, 0, 100, 100, null)));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> limits.check(job, new Geometry.Size(1000, 1000)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).contains("ops[0] (resize) would make a 20000x20000 (400.0 MP) image");
    }

    @Test
    void check_outputsTogetherOverTheLimit_refusedPerJob() {
        Job job = job(out("a", Op.Resize.inside(5000, 5000)), out("b", Op.Resize.inside(5000, 5000)),
                out("c", Op.Resize.inside(5000, 5000)));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> limits.check(job, new Geometry.Size(5000, 4000)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).isEqualTo("the job's 3 outputs would be 60.0 MP together; the limit is 50.0 MP per job "
                + "(IMAGEFLEET_MAX_OUTPUT_PIXELS)");
    }

    @Test
    void check_cropAtMaxCoordinates_processFailedNotOverflow() {
        Job job = job(out("edge", new Op.Crop(Integer.MAX_VALUE, Integer.MAX_VALUE, 10, 10, null)));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> limits.check(job, new Geometry.Size(100, 100)));

        assertThat(f.code()).isEqualTo(ErrorCode.PROCESS_FAILED);
        assertThat(f.getMessage()).isEqualTo("outputs[0] (edge): ops[0]: crop 10x10 at 2147483647,2147483647 lies outside "
                + "the 100x100 image");
    }

    @Test
    void check_thumbnailsAndRotations_pass() {
        Job job = job(out("t", new Op.Rotate(90), Op.Resize.inside(256, 256)), out("c", new Op.Crop(null, null, 9000, 10, null)));

        assertThatCode(() -> limits.check(job, new Geometry.Size(6000, 4000))).doesNotThrowAnyException();
    }

    @Test
    void check_avifAtSlowSpeedOverItsLimit_refusedWithTheSpeedAndTheSetting() {
        // Regression: libheif cannot stop an AVIF encode, so a 24 MP output at speed 0 (about 15 minutes of a core
        // here) held its thread far past the deadline and ended in the stuck-thread recycle.
        Job job = job(OutputSpec.of("slow", List.of(), Format.AVIF, 60, "file:///out/").withSpeed(0));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> limits.check(job, new Geometry.Size(6000, 4000)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).isEqualTo("outputs[0] (slow) would be a 6000x4000 (24.0 MP) AVIF at speed 0; AVIF outputs "
                + "at speed 0 may have at most 53,333 pixels (16.0 MP at speed 8, fewer at slower speeds), because an AVIF encode "
                + "cannot be stopped at the job's deadline (IMAGEFLEET_MAX_AVIF_PIXELS)");
    }

    @Test
    void check_avifThumbnailAtSlowSpeed_passes() {
        Job job = job(OutputSpec.of("small", List.of(Op.Resize.inside(256, 256)), Format.AVIF, 60, "file:///out/").withSpeed(0));

        assertThatCode(() -> limits.check(job, new Geometry.Size(6000, 4000))).doesNotThrowAnyException();
    }

    @Test
    void check_sameSizeAsJpegOrAsFastAvif_passes() {
        Job job = job(out("jpeg"), OutputSpec.of("fast", List.of(), Format.AVIF, 60, "file:///out/").withSpeed(10));

        assertThatCode(() -> limits.check(job, new Geometry.Size(5000, 4000))).doesNotThrowAnyException();
    }

    @Test
    void check_avifOverTheSettingAtTheDefaultSpeed_refused() {
        OutputLimits tight = new OutputLimits(50_000_000, 1_000_000);
        Job job = job(OutputSpec.of("plain", List.of(Op.Resize.inside(2000, 2000)), Format.AVIF, null, "file:///out/"));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> tight.check(job, new Geometry.Size(6000, 4000)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).startsWith("outputs[0] (plain) would be a 2000x1333 (2.7 MP) AVIF at speed 8; AVIF outputs "
                + "at speed 8 may have at most 1,000,000 pixels");
    }

    private static OutputSpec kept(String name, Format format, Op... ops) {
        return OutputSpec.of(name, List.of(ops), format, null, "file:///out/").withAnimation(Animation.KEEP);
    }

    @Test
    void check_animationKeptOverTheLimitOverAllFrames_refusedWithTheFrames() {
        // 300 frames of 500x500: each frame is small, all of them are 75 MP of output.
        Job job = job(kept("anim", Format.WEBP, Op.Resize.inside(500, 500)));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> limits.check(job, new ProbeResult("gif", 500, 500, 300)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).isEqualTo("outputs[0] (anim) would be 300 frames of 500x500 (0.3 MP), 75.0 MP over all "
                + "frames; the limit is 50.0 MP per output (IMAGEFLEET_MAX_OUTPUT_PIXELS)");
    }

    @Test
    void check_firstFrameOnlyOrStillFormatOrStillSource_countsOneFrame() {
        Job job = job(kept("first", Format.WEBP).withAnimation(Animation.FIRST), kept("png", Format.PNG));

        assertThatCode(() -> limits.check(job, new ProbeResult("gif", 5000, 4000, 300))).doesNotThrowAnyException();
        assertThatCode(() -> limits.check(job(kept("jpeg-source", Format.GIF)), new ProbeResult("jpeg", 5000, 4000, 300)))
                .doesNotThrowAnyException();
    }

    @Test
    void check_animatedOutputsTogetherOverTheLimit_refusedPerJob() {
        Job job = job(kept("a", Format.GIF, Op.Resize.inside(400, 400)), kept("b", Format.WEBP, Op.Resize.inside(400, 400)));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> limits.check(job, new ProbeResult("webp", 400, 400, 200)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).isEqualTo("the job's 2 outputs would be 64.0 MP together; the limit is 50.0 MP per job "
                + "(IMAGEFLEET_MAX_OUTPUT_PIXELS)");
    }

    @Test
    void check_animationKeptWithinTheLimit_passes() {
        Job job = job(kept("anim", Format.WEBP, Op.Resize.inside(200, 200)));

        assertThatCode(() -> limits.check(job, new ProbeResult("gif", 500, 500, 300))).doesNotThrowAnyException();
    }
}
