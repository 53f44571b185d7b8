package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.imaging.TestImages;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.kernel.StuckJobListener;
import io.imagefleet.worker.source.SourceBytes;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.OutputStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline run a step at a time, as the consumer loop runs it: deadlines and timings across the waits. */
class PipelineStagesTest {
    @TempDir
    Path out;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final JobContext ctx = new JobContext("h/slot-0", 1, 5);
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final List<String> held = new ArrayList<>();
    final byte[] png;

    PipelineStagesTest() throws java.io.IOException {
        png = TestImages.encode(TestImages.quadrants(100, 100), "png");
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    /** A pipeline on a manual clock whose admission records the source bytes held. */
    private Pipeline pipeline(Duration timeout, Duration stuckAfter, StuckJobListener stuck) {
        Admission admission = new Admission() {
            @Override
            public Reservation admit(Job job, ProbeResult header, int subsampling, JobDeadline deadline) {
                return () -> { };
            }

            @Override
            public Reservation holdSource(long bytes) {
                held.add("hold " + bytes);
                return () -> held.add("release " + bytes);
            }
        };
        return new Pipeline(new Sources(Map.of("test", (uri, deadline) -> new SourceBytes(png, uri.toString()))),
                Imaging.imageIo(50_000_000), new OutputStores(Map.of("file", new FileStore(List.of(out)))), admission,
                new JobWatchdog(timeout, stuckAfter, scheduler, nanos::get), stuck);
    }

    private Job job(String id) {
        return Job.of(id, "test://image", List.of(
                OutputSpec.of("t", List.of(Op.Resize.inside(64, 64)), Format.PNG, null, out.toUri().toString())));
    }

    @Test
    void begin_stepsWithWaitsBetween_succeedWithWaitsChargedToQueued() throws Exception {
        StagedJob run = pipeline(Duration.ofSeconds(60), Duration.ofSeconds(10), (id, t, o) -> { }).begin(job("a"), ctx);

        assertThat(run.next()).isEqualTo(StagedJob.Step.FETCH);
        run.run();
        assertThat(run.heldBytes()).isEqualTo(png.length);
        nanos.addAndGet(Duration.ofMillis(700).toNanos());
        run.run();
        assertThat(run.next()).isEqualTo(StagedJob.Step.STORE);
        assertThat(held).containsExactly("hold " + png.length, "release " + png.length);
        assertThat(Files.list(out)).as("nothing stored before the store step").isEmpty();
        nanos.addAndGet(Duration.ofMillis(300).toNanos());
        run.run();

        assertThat(run.next()).isEqualTo(StagedJob.Step.DONE);
        Result r = run.result();
        assertThat(r.succeeded()).as("%s", r.error()).isTrue();
        assertThat(Files.exists(out.resolve("a-t.png"))).isTrue();
        Result.Timings t = r.timings();
        assertThat(t.queuedMs()).isEqualTo(5 + 700 + 300);
        assertThat(t.fetchMs() + t.probeMs() + t.admitMs() + t.decodeMs() + t.processMs() + t.encodeMs() + t.storeMs())
                .isEqualTo(t.totalMs());
        assertThat(t.totalMs()).isLessThan(700);
    }

    @Test
    void begin_deadlinePassesWhileWaitingForThread_failsTimeoutWithoutDecoding() {
        StagedJob run = pipeline(Duration.ofSeconds(2), Duration.ofSeconds(10), (id, t, o) -> { }).begin(job("late"), ctx);
        run.run();

        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(run.expired()).isTrue();
        run.run();

        assertThat(run.next()).isEqualTo(StagedJob.Step.DONE);
        Result r = run.result();
        assertThat(r.error().code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(r.error().message()).contains("2s deadline").contains("waiting for a thread");
        assertThat(r.source().format()).as("not probed").isNull();
        assertThat(held).as("the source's hold given back").containsExactly("hold " + png.length, "release " + png.length);
    }

    @Test
    void timeOut_waitingJob_failsTimeoutAndGivesBackItsSource() {
        StagedJob run = pipeline(Duration.ofSeconds(2), Duration.ofSeconds(10), (id, t, o) -> { }).begin(job("w"), ctx);
        run.run();

        run.timeOut("waiting for a thread (2 of 2 busy)");

        assertThat(run.result().error().code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(run.result().error().message()).contains("waiting for a thread (2 of 2 busy)");
        assertThat(run.heldBytes()).isZero();
        assertThat(held).containsExactly("hold " + png.length, "release " + png.length);
    }

    @Test
    void begin_jobWaitingBetweenStepsPastItsDeadline_isNotReportedStuck() throws Exception {
        nanos.set(0);
        CountDownLatch reported = new CountDownLatch(1);
        // A real clock, so the watchdog's checks come: nobody runs the job when they do.
        Pipeline pipeline = new Pipeline(new Sources(Map.of("test", (uri, deadline) -> new SourceBytes(png, "x"))),
                Imaging.imageIo(50_000_000), new OutputStores(Map.of("file", new FileStore(List.of(out)))),
                Admission.UNBOUNDED, new JobWatchdog(Duration.ofMillis(50), Duration.ofMillis(50), scheduler,
                System::nanoTime), (id, t, o) -> reported.countDown());
        StagedJob run = pipeline.begin(job("idle"), ctx);
        run.run();

        assertThat(reported.await(500, TimeUnit.MILLISECONDS)).as("reported stuck").isFalse();
        assertThat(run.expired()).isTrue();
        run.run();
        assertThat(run.result().error().code()).isEqualTo(ErrorCode.TIMEOUT);
    }
}
