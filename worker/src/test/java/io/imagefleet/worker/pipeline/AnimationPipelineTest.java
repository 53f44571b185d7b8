package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Animation;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.admission.JobAdmission;
import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.imaging.AnimatedFixtures;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.source.FileSource;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.OutputStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code "animation": "keep"} through the whole pipeline (file source, probe, admission, decode,
 * the animated output, file store): an animated GIF made from a real photo becomes an animated
 * WebP with the same frame count and timing, beside a still output of the same job.
 */
class AnimationPipelineTest {
    private static final NativeCodecs NATIVES = NativeCodecs.load(false, false);

    @TempDir
    Path dir;
    Path in;
    Path out;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final JobContext ctx = new JobContext("h/slot-0", 1, 5);

    @BeforeEach
    void setUp() throws Exception {
        AnimatedFixtures.assumeTools();
        Assumptions.assumeTrue(NATIVES.hasWebpAnimation(), () -> "libwebpdemux/libwebpmux are not installed: " + NATIVES.report());
        in = Files.createDirectories(dir.resolve("in"));
        out = Files.createDirectories(dir.resolve("out"));
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private Pipeline pipeline(int maxFrames) {
        return pipeline(maxFrames, Admission.UNBOUNDED);
    }

    private Pipeline pipeline(int maxFrames, Admission admission) {
        return new Pipeline(new Sources(Map.of("file", new FileSource(List.of(in), 10 << 20))),
                Imaging.of(50_000_000, maxFrames, NATIVES), new OutputStores(Map.of("file", new FileStore(List.of(out)))),
                admission, new JobWatchdog(Duration.ofSeconds(60), Duration.ofSeconds(10), scheduler, System::nanoTime),
                (a, b, c) -> { });
    }

    private Job job(Path gif) {
        OutputSpec animated = OutputSpec.of("anim", List.of(Op.Resize.inside(80, 80)), Format.WEBP, 90, out.toUri().toString())
                .withAnimation(Animation.KEEP);
        OutputSpec still = OutputSpec.of("still", List.of(Op.Resize.inside(40, 40)), Format.PNG, null, out.toUri().toString());
        return Job.of("cat", gif.toUri().toString(), List.of(animated, still));
    }

    @Test
    void process_animatedGifKeptAsWebp_everyFrameWithItsTimingBesideAStillOutput() throws Exception {
        Path gif = AnimatedFixtures.panningGif(Files.createDirectories(in.resolve("made")));

        Result r = pipeline(500).process(job(gif), ctx);

        assertThat(r.succeeded()).as("%s", r.error()).isTrue();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.source().frames()).isEqualTo(6);
        Result.OutputResult anim = r.outputs().get(0);
        assertThat(List.of(anim.width(), anim.height())).containsExactly(80, 60);
        Path webp = Path.of(URI.create(anim.uri()));
        assertThat(Files.size(webp)).isEqualTo(anim.bytes());
        AnimatedFixtures.WebpInfo info = AnimatedFixtures.webpInfo(webp);
        assertThat(info.durations()).containsExactly(100, 200, 300, 400, 500, 600);
        assertThat(info.loopCount()).isZero();
        List<BufferedImage> frames = AnimatedFixtures.webpFrames(Files.readAllBytes(webp), new ArrayList<>());
        List<BufferedImage> reference = AnimatedFixtures.reference(gif, 80, 60);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(AnimatedFixtures.difference(frames.get(i), reference.get(i))).as("frame %d", i).isLessThan(8);
        }
        BufferedImage still = ImageIO.read(Path.of(URI.create(r.outputs().get(1).uri())).toFile());
        assertThat(still.getWidth()).isEqualTo(40);
    }

    @Test
    void process_animationOverTheFrameLimit_failsImageTooLarge() throws Exception {
        Path gif = AnimatedFixtures.panningGif(Files.createDirectories(in.resolve("made")));

        Result r = pipeline(5).process(job(gif), ctx);

        assertThat(r.succeeded()).isFalse();
        assertThat(r.error().code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(r.error().message()).contains("has 6 frames; the limit is 5 (IMAGEFLEET_MAX_FRAMES)");
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void process_animatedOutputOverTheOutputLimitOverAllFrames_refusedBeforeAnyFrame() throws Exception {
        // 6 frames of 80x60 are 28,800 output pixels: over a 20,000-pixel limit that each frame alone is well within.
        Path gif = AnimatedFixtures.panningGif(Files.createDirectories(in.resolve("made")));
        Admission admission = new JobAdmission(new MemoryBudget(256L << 20, System::nanoTime), new OutputLimits(20_000));

        Result r = pipeline(500, admission).process(job(gif), ctx);

        assertThat(r.succeeded()).isFalse();
        assertThat(r.error().code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(r.error().message()).startsWith("outputs[0] (anim) would be 6 frames of 80x60 (0.0 MP)")
                .endsWith("(IMAGEFLEET_MAX_OUTPUT_PIXELS)");
        assertThat(out).isEmptyDirectory();
    }
}
