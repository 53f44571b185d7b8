package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Format;
import io.imagefleet.worker.admission.JobAdmission;
import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.NativeCodecs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up on the real image stages (libjpeg-turbo and libwebp when installed, ImageIO otherwise). */
class PipelineWarmUpTest {
    private static final NativeCodecs NATIVES = NativeCodecs.load(false, false);
    /** Generous: the machine running the tests may be busy. */
    private static final Duration CAP = Duration.ofSeconds(60);

    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1);
    private final MemoryBudget budget = new MemoryBudget(512L << 20, System::nanoTime);

    @AfterEach
    void tearDown() {
        watchdog.shutdownNow();
        MDC.clear();
    }

    private PipelineWarmUp warmUp(long maxPixels) {
        return new PipelineWarmUp(Imaging.of(maxPixels, NATIVES), new JobAdmission(budget, new OutputLimits(50_000_000L,
                50_000_000L)), watchdog, NATIVES.hasWebp() ? Set.of(Format.PNG, Format.WEBP) : Set.of(Format.PNG),
                System::nanoTime);
    }

    @Test
    void run_realImaging_runsEveryJobToSuccessAndLeavesNothingBehind() throws IOException {
        watchdog.setRemoveOnCancelPolicy(true);
        MDC.put("slot", "3");
        Set<String> tempBefore = imageIoTempFiles();

        PipelineWarmUp.Report report = warmUp(50_000_000L).run(4, CAP);

        assertThat(report.failure()).isNull();
        assertThat(report.capped()).isFalse();
        assertThat(report.succeeded()).isEqualTo(4);
        assertThat(report.firstJobMillis()).isGreaterThanOrEqualTo(0);
        assertThat(report.lastJobMillis()).isGreaterThanOrEqualTo(0);
        assertThat(report.millis()).isGreaterThanOrEqualTo(report.firstJobMillis() + report.lastJobMillis());
        // Admitted against the budget given, and all of it given back.
        assertThat(budget.highWater()).isPositive();
        assertThat(budget.reserved()).isZero();
        assertThat(budget.held()).isZero();
        // Every job's deadline was cancelled: nothing left scheduled on the worker's watchdog thread.
        assertThat(watchdog.getQueue()).isEmpty();
        // The thread's logging context is what it was: the jobs' ids and stages are gone.
        assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("slot", "3"));
        assertThat(imageIoTempFiles()).isSubsetOf(tempBefore);
    }

    @Test
    void run_sampleOverThePixelLimit_stopsAtTheFailedJobAndSaysWhy() {
        PipelineWarmUp.Report report = warmUp(1_000_000L).run(4, CAP);

        assertThat(report.succeeded()).isZero();
        assertThat(report.lastJobMillis()).isEqualTo(-1);
        assertThat(report.failure()).startsWith("job warm-up-1 failed IMAGE_TOO_LARGE");
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void run_capPassed_startsNoFurtherJob() {
        PipelineWarmUp.Report report = warmUp(50_000_000L).run(4, Duration.ofNanos(1));

        assertThat(report.succeeded()).isZero();
        assertThat(report.firstJobMillis()).isEqualTo(-1);
        assertThat(report.capped()).isTrue();
        assertThat(report.failure()).isNull();
    }

    @Test
    void run_capPassesDuringAJob_endsCappedNotFailed() {
        // Every reading of the clock is 200 ms on: the first job starts within the 1 s cap and runs out of it.
        AtomicLong clock = new AtomicLong();
        PipelineWarmUp warmUp = new PipelineWarmUp(Imaging.of(50_000_000L, NATIVES), new JobAdmission(budget,
                new OutputLimits(50_000_000L, 50_000_000L)), watchdog, Set.of(Format.PNG),
                () -> clock.addAndGet(200_000_000L));

        PipelineWarmUp.Report report = warmUp.run(4, Duration.ofSeconds(1));

        assertThat(report.firstJobMillis()).isNotNegative();
        assertThat(report.succeeded()).isZero();
        assertThat(report.capped()).isTrue();
        assertThat(report.failure()).isNull();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void job_odd_makesEveryFormatTheWorkerWrites() {
        PipelineWarmUp warmUp = new PipelineWarmUp(Imaging.imageIo(50_000_000L),
                (job, header, factor, deadline) -> () -> { }, watchdog, Set.of(Format.PNG, Format.WEBP), System::nanoTime);

        assertThat(warmUp.job(0).outputs()).extracting(o -> o.format()).containsExactly(Format.JPEG);
        assertThat(warmUp.job(1).outputs()).extracting(o -> o.format())
                .containsExactly(Format.JPEG, Format.WEBP, Format.PNG);
        assertThat(warmUp.job(1).source()).isEqualTo(PipelineWarmUp.UPRIGHT.toString());
    }

    /** ImageIO's disk cache files (it is told to keep none, and a warm-up must not make one). */
    private static Set<String> imageIoTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("imageio"))
                    .collect(Collectors.toSet());
        }
    }
}
