package io.imagefleet.worker.admission;

import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.pipeline.Admission;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
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
    void admit_jobLargerThanBudget_waitsForOthersAndThenRunsAlone() throws Exception {
        MemoryBudget budget = new MemoryBudget(50 * MB, System::nanoTime);
        Admission.Reservation small = budget.reserve(10 * MB);
        Job big = job(Op.Resize.inside(7000, 7000));
        ProbeResult header = new ProbeResult("jpeg", 7000, 6000, 1);
        assertThat(PeakEstimate.bytes(header, 1, big.outputs())).isGreaterThan(50 * MB);

        CountDownLatch bigIn = new CountDownLatch(1);
        CountDownLatch bigOut = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try (Admission.Reservation r = budget.admit(big, header, 1)) {
                bigIn.countDown();
                bigOut.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> bigIn.getCount() == 1);
        assertThat(budget.waiting()).isEqualTo(1);

        small.close();
        assertThat(bigIn.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.reserved()).isEqualTo(50 * MB);

        // Nothing else gets in while it runs, not even a tiny job.
        CountDownLatch tinyIn = new CountDownLatch(1);
        Thread tiny = Thread.ofPlatform().start(() -> {
            try (Admission.Reservation r = budget.reserve(1)) {
                tinyIn.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> tinyIn.getCount() == 1);
        bigOut.countDown();
        assertThat(tinyIn.await(5, TimeUnit.SECONDS)).isTrue();
        t.join();
        tiny.join();
        assertThat(budget.reserved()).isZero();
        assertThat(budget.highWater()).isEqualTo(50 * MB);
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
    void bytes_thumbnailWithSubsampling_countsReducedRasterNotFullImage() {
        ProbeResult header = new ProbeResult("jpeg", 8000, 6000, 1);
        List<OutputSpec> thumb = job(Op.Resize.inside(256, 256)).outputs();

        long full = PeakEstimate.bytes(header, 1, thumb);
        long subsampled = PeakEstimate.bytes(header, 15, thumb);

        // Decoding every pixel: reader raster and sRGB copy, 8 bytes a pixel.
        assertThat(full).isEqualTo(8000L * 6000 * 8);
        assertThat(subsampled).isEqualTo((long) 534 * 400 * 8);
    }

    @Test
    void bytes_largeOutput_countsDecodedPlusResizeChain() {
        ProbeResult header = new ProbeResult("jpeg", 4000, 3000, 1);
        List<OutputSpec> big = job(Op.Resize.inside(3000, 3000)).outputs();

        long bytes = PeakEstimate.bytes(header, 1, big);

        // Decoded 4000x3000, resized straight to 3000x2250, then the encoder's copy and buffer.
        long decoded = 4000L * 3000 * 4;
        long out = 3000L * 2250 * 4;
        assertThat(bytes).isEqualTo(Math.max(decoded * 2, decoded + out + out + 3000L * 2250));
    }

    private static Job job(Op op) {
        return Job.of("j", "file:///in/a.jpg", List.of(OutputSpec.of("o", List.of(op), Format.JPEG, 80, "file:///out/")));
    }
}
