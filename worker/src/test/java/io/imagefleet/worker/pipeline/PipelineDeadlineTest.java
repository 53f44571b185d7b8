package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.TestImages;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.kernel.StuckJobListener;
import io.imagefleet.worker.source.Source;
import io.imagefleet.worker.source.SourceBytes;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.OutputStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineDeadlineTest {
    @TempDir
    Path out;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final JobContext ctx = new JobContext("h/slot-0", 1, 0);

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private Pipeline pipeline(Source source, Duration timeout, Duration stuckAfter, StuckJobListener stuck) {
        return new Pipeline(new Sources(Map.of("test", source)), Imaging.imageIo(50_000_000),
                new OutputStores(Map.of("file", new FileStore(List.of(out)))), Admission.UNBOUNDED,
                new JobWatchdog(timeout, stuckAfter, scheduler, System::nanoTime), stuck);
    }

    private Job job(String id) {
        return Job.of(id, "test://image", List.of(
                OutputSpec.of("t", List.of(Op.Resize.inside(64, 64)), Format.PNG, null, out.toUri().toString())));
    }

    @Test
    void process_sourceIgnoringTheDeadline_isReportedStuckThenFailsTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        byte[] png = TestImages.encode(TestImages.quadrants(100, 100), "png");
        Source blocking = (uri, deadline) -> {
            // Like a native decoder that never looks at the deadline.
            while (true) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        return new SourceBytes(png, uri.toString());
                    }
                } catch (InterruptedException e) {
                    // ignored on purpose
                }
            }
        };
        AtomicReference<String> stuckJob = new AtomicReference<>();
        AtomicReference<Thread> stuckThread = new AtomicReference<>();
        CountDownLatch reported = new CountDownLatch(1);
        Pipeline pipeline = pipeline(blocking, Duration.ofMillis(200), Duration.ofMillis(200), (id, thread, overdue) -> {
            stuckJob.set(id);
            stuckThread.set(thread);
            assertThat(overdue).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            reported.countDown();
        });
        AtomicReference<Thread> runner = new AtomicReference<>();

        CompletableFuture<Result> result = CompletableFuture.supplyAsync(() -> {
            runner.set(Thread.currentThread());
            return pipeline.process(job("stuck-1"), ctx);
        });

        assertThat(reported.await(30, TimeUnit.SECONDS)).as("stuck job reported").isTrue();
        assertThat(stuckJob.get()).isEqualTo("stuck-1");
        assertThat(stuckThread.get()).isSameAs(runner.get());
        assertThat(result).isNotDone();
        release.countDown();
        Result r = result.get(30, TimeUnit.SECONDS);
        assertThat(r.error().code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(r.error().message()).contains("200ms deadline");
        Result.Timings t = r.timings();
        assertThat(t.fetchMs() + t.probeMs() + t.admitMs() + t.decodeMs() + t.processMs() + t.encodeMs() + t.storeMs())
                .isEqualTo(t.totalMs());
        assertThat(t.fetchMs()).isGreaterThanOrEqualTo(200);
    }

    @Test
    void process_jobThatFinishesInTime_isNeverReportedStuck() throws Exception {
        byte[] png = TestImages.encode(TestImages.quadrants(100, 100), "png");
        CountDownLatch reported = new CountDownLatch(1);
        Pipeline pipeline = pipeline((uri, deadline) -> new SourceBytes(png, "x"), Duration.ofMillis(300),
                Duration.ofMillis(1), (id, thread, overdue) -> reported.countDown());

        Result r = pipeline.process(job("quick"), ctx);

        assertThat(r.succeeded()).as("%s", r.error()).isTrue();
        assertThat(reported.await(1, TimeUnit.SECONDS)).isFalse();
    }
}
