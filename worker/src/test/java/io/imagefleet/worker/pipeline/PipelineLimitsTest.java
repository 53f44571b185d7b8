package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.admission.JobAdmission;
import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.source.FileSource;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.OutputStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline as a worker builds it (admission with the output limits, presets) against hostile jobs. */
class PipelineLimitsTest {
    private static final long MB = 1L << 20;

    @TempDir
    Path dir;
    Path in;
    Path out;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final List<String> stuck = new CopyOnWriteArrayList<>();
    final JobContext ctx = new JobContext("h/slot-0", 1, 0);
    MemoryBudget budget;

    @BeforeEach
    void setUp() throws IOException {
        in = Files.createDirectories(dir.resolve("in"));
        out = dir.resolve("out");
        budget = new MemoryBudget(512 * MB, System::nanoTime);
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private Pipeline pipeline(Duration timeout, Presets presets) {
        return pipeline(timeout, presets, System::nanoTime);
    }

    /** A pipeline whose deadlines and stage timings run on {@code nanos}. */
    private Pipeline pipeline(Duration timeout, Presets presets, java.util.function.LongSupplier nanos) {
        return new Pipeline(new Sources(Map.of("file", new FileSource(List.of(in), 50 << 20))), Imaging.imageIo(50_000_000),
                new OutputStores(Map.of("file", new FileStore(List.of(out)))),
                new JobAdmission(budget, new OutputLimits(50_000_000)),
                new JobWatchdog(timeout, Duration.ofSeconds(10), scheduler, nanos),
                (id, thread, overdue) -> stuck.add(id), presets);
    }

    private String photo(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 0x40);
            }
        }
        Path p = in.resolve(w + "x" + h + ".png");
        ImageIO.write(img, "png", p.toFile());
        return p.toUri().toString();
    }

    private OutputSpec output(String name, Op... ops) {
        return OutputSpec.of(name, List.of(ops), Format.JPEG, 80, out.toUri().toString());
    }

    @Test
    void process_upscaleTo20000Square_imageTooLargeBeforeDecodingAndNothingReserved() throws Exception {
        Job job = Job.of("up", photo(400, 300), List.of(output("big", new Op.Resize(20_000, 20_000, Fit.INSIDE, null, true))));

        Result r = pipeline(Duration.ofSeconds(30), Presets.NONE).process(job, ctx);

        assertThat(r.error().code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(r.error().message()).contains("20000x15000 (300.0 MP)", "IMAGEFLEET_MAX_OUTPUT_PIXELS");
        assertThat(r.timings().decodeMs()).isZero();
        assertThat(budget.highWater()).isZero();
    }

    @Test
    void process_cropAtMaxCoordinates_processFailedNotInternal() throws Exception {
        Job job = Job.of("crop", photo(400, 300), List.of(output("c", new Op.Crop(0, Integer.MAX_VALUE, 10, 10, null))));

        Result r = pipeline(Duration.ofSeconds(30), Presets.NONE).process(job, ctx);

        assertThat(r.error().code()).isEqualTo(ErrorCode.PROCESS_FAILED);
        assertThat(r.error().message()).contains("crop 10x10 at 0,2147483647 lies outside the 400x300 image");
    }

    @Test
    void process_sigma100BlurPastAShortTimeout_timeoutAndNeverStuck() throws Exception {
        // 32 sigma-100 operations on 6 MP: far more than 1.5 s of work on any machine.
        List<Op> ops = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ops.add(new Op.Blur(100.0));
            ops.add(new Op.Sharpen(100.0));
        }
        Job job = Job.of("blur", photo(3000, 2000), List.of(OutputSpec.of("b", ops, Format.JPEG, 80, out.toUri().toString())));

        // The deadline and the timings on this thread's CPU time, which a loaded machine does not stretch.
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        Result r = pipeline(Duration.ofMillis(1500), Presets.NONE, () -> threads.getThreadCpuTime(self)).process(job, ctx);

        assertThat(r.error().code()).as(r.error().message()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(r.timings().totalMs()).as("answered within a second of its deadline (CPU time)").isLessThan(2500);
        assertThat(stuck).isEmpty();
    }

    @Test
    void process_secondOutputFails_resultListsTheOutputAlreadyWritten() throws Exception {
        Job job = Job.of("half", photo(400, 300), List.of(output("ok", Op.Resize.inside(100, 100)),
                OutputSpec.of("outside", List.of(), Format.PNG, null, dir.resolve("elsewhere").toUri().toString())));

        Result r = pipeline(Duration.ofSeconds(30), Presets.NONE).process(job, ctx);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.error().code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
        assertThat(r.error().message()).endsWith("(1 of the job's 2 outputs were written before this and are listed)");
        assertThat(r.outputs()).singleElement().satisfies(o -> {
            assertThat(o.name()).isEqualTo("ok");
            assertThat(Path.of(URI.create(o.uri()))).exists();
        });
    }

    @Test
    void process_presetOutput_madeFromThePresetSpec() throws Exception {
        Presets presets = new Presets(Map.of("thumb", OutputSpec.of("thumb", List.of(Op.Resize.inside(64, 64)), Format.PNG,
                null, null)), true);
        Job job = Job.of("p", photo(400, 300), List.of(new OutputSpec(null, null, null, null, out.toUri().toString(), null,
                null, null, null, null, null, "thumb")));

        Result r = pipeline(Duration.ofSeconds(30), presets).process(job, ctx);

        assertThat(r.status()).as("%s", r.error()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.outputs()).singleElement().satisfies(o -> {
            assertThat(o.format()).isEqualTo(Format.PNG);
            assertThat(o.width()).isEqualTo(64);
            assertThat(o.height()).isEqualTo(48);
            assertThat(o.uri()).endsWith("p-thumb.png");
        });
    }

    @Test
    void process_presetsOnlyAndOwnOps_invalidJobWithoutFetching() throws Exception {
        Presets presets = new Presets(Map.of("thumb", OutputSpec.of("thumb", List.of(), Format.PNG, null, null)), true);
        Job job = Job.of("own", in.resolve("missing.png").toUri().toString(), List.of(output("mine")));

        Result r = pipeline(Duration.ofSeconds(30), presets).process(job, ctx);

        assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID_JOB);
        assertThat(r.error().message()).contains("IMAGEFLEET_PRESETS_ONLY");
    }
}
