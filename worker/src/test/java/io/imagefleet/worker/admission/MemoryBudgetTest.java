package io.imagefleet.worker.admission;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.pipeline.Admission;
import io.imagefleet.worker.pipeline.OutputLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

class MemoryBudgetTest {
    private static final long MB = 1L << 20;

    @Test
    void reserve_manyThreadsMixedSizes_reservedNeverExceedsBudget() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MB, System::nanoTime);
        AtomicLong held = new AtomicLong();
        AtomicLong maxHeld = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> done = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 400; i++) {
            // Some jobs need the whole budget: they must run alone.
            long bytes = i % 25 == 0 ? 100 * MB : random.nextLong(1, 60) * MB;
            done.add(pool.submit(() -> {
                try (Admission.Reservation r = budget.reserve(bytes)) {
                    long now = held.addAndGet(bytes);
                    maxHeld.accumulateAndGet(now, Math::max);
                    assertThat(now).isLessThanOrEqualTo(budget.capacity());
                    Thread.onSpinWait();
                    held.addAndGet(-bytes);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(maxHeld.get()).isLessThanOrEqualTo(100 * MB);
        assertThat(budget.highWater()).isLessThanOrEqualTo(100 * MB).isGreaterThan(60 * MB);
        assertThat(budget.reserved()).isZero();
        assertThat(budget.admitted()).isEqualTo(400);
    }

    @Test
    void admit_jobLargerThanTheWholeBudget_refusedImageTooLargeWithTheNumbers() throws Exception {
        MemoryBudget budget = new MemoryBudget(50 * MB, System::nanoTime);
        JobAdmission admission = new JobAdmission(budget, new OutputLimits(50_000_000));
        Job big = job(Op.Resize.inside(7000, 7000));
        ProbeResult header = new ProbeResult("jpeg", 7000, 6000, 1);

        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> admission.admit(big, header, 1, JobDeadline.after(Duration.ofSeconds(30))));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).contains("needs about ", "more than the 50.0 MiB", "7000x6000 (42.0 MP) jpeg",
                "IMAGEFLEET_MEMORY_BUDGET");
        assertThat(budget.reserved()).isZero();
        assertThat(budget.waiting()).isZero();
    }

    @Test
    void reserve_deadlinePassesWhileWaiting_failsTimeoutAndLeavesTheQueue() throws Exception {
        MemoryBudget budget = new MemoryBudget(10 * MB, System::nanoTime);
        Admission.Reservation first = budget.reserve(8 * MB);

        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> budget.reserve(5 * MB, JobDeadline.after(Duration.ofMillis(200))));

        assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(f.getMessage()).contains("waiting for memory", "needs 5.0 MiB of a 10.0 MiB budget", "8.0 MiB held");
        assertThat(budget.waiting()).isZero();
        try (Admission.Reservation next = budget.reserve(2 * MB)) {
            assertThat(budget.reserved()).isEqualTo(10 * MB);
        }
        first.close();
    }

    @Test
    void reserve_interruptedWhileWaiting_leavesQueueAndLetsNextIn() throws Exception {
        MemoryBudget budget = new MemoryBudget(10 * MB, System::nanoTime);
        Admission.Reservation first = budget.reserve(8 * MB);
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                budget.reserve(5 * MB);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> budget.waiting() == 1);
        waiter.interrupt();
        waiter.join();

        assertThat(budget.waiting()).isZero();
        try (Admission.Reservation second = budget.reserve(2 * MB)) {
            assertThat(budget.reserved()).isEqualTo(10 * MB);
        }
        first.close();
        first.close();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void bytes_thumbnailWithSubsampling_countsReducedRasterNotFullImage() throws Exception {
        ProbeResult header = new ProbeResult("jpeg", 8000, 6000, 1);
        List<OutputSpec> thumb = job(Op.Resize.inside(256, 256)).outputs();

        long full = PeakEstimate.bytes(header, new Geometry.Size(8000, 6000), 1, thumb);
        long subsampled = PeakEstimate.bytes(header, new Geometry.Size(8000, 6000), 15, thumb);

        // Decoding every pixel: reader raster and sRGB copy, 8 bytes a pixel.
        assertThat(full).isEqualTo(8000L * 6000 * 8);
        assertThat(subsampled).isEqualTo((long) 534 * 400 * 8);
    }

    @Test
    void bytes_largeOutput_countsDecodedPlusResizeChain() throws Exception {
        ProbeResult header = new ProbeResult("jpeg", 4000, 3000, 1);
        List<OutputSpec> big = job(Op.Resize.inside(3000, 3000)).outputs();

        long bytes = PeakEstimate.bytes(header, new Geometry.Size(4000, 3000), 1, big);

        // Decoded 4000x3000, resized straight to 3000x2250, then the encoder's copy and buffer.
        long decoded = 4000L * 3000 * 4;
        long out = 3000L * 2250 * 4;
        assertThat(bytes).isEqualTo(Math.max(decoded * 2, decoded + out + out + 3000L * 2250));
    }

    private static Job job(Op op) {
        return Job.of("j", "file:///in/a.jpg", List.of(OutputSpec.of("o", List.of(op), Format.JPEG, 80, "file:///out/")));
    }

    @Test
    void reserve_fetchedSourcesHeld_waitsUntilTheyAreReleased() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MB, System::nanoTime);
        Admission.Reservation running = budget.reserve(30 * MB);
        Admission.Reservation sources = budget.hold(50 * MB);
        ExecutorService pool = Executors.newSingleThreadExecutor();

        Future<Admission.Reservation> waiting = pool.submit(() -> budget.reserve(30 * MB));
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
        assertThat(waiting).isNotDone();
        sources.close();

        Admission.Reservation admitted = waiting.get(10, TimeUnit.SECONDS);
        assertThat(budget.reserved()).isEqualTo(60 * MB);
        assertThat(budget.held()).isZero();
        admitted.close();
        running.close();
        pool.shutdown();
    }

    @Test
    void reserve_sourcesHeldAndNothingReserved_admitsAtOnce() throws Exception {
        // Only the jobs behind this one could free the sources: waiting for them would never end.
        MemoryBudget budget = new MemoryBudget(100 * MB, System::nanoTime);
        try (Admission.Reservation sources = budget.hold(90 * MB);
             Admission.Reservation admitted = budget.reserve(40 * MB)) {
            assertThat(budget.reserved()).isEqualTo(40 * MB);
            assertThat(budget.held()).isEqualTo(90 * MB);
        }
        assertThat(budget.held()).isZero();
    }
}
