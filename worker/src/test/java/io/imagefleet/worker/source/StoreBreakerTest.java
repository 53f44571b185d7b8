package io.imagefleet.worker.source;

import io.imagefleet.worker.kernel.JobDeadline;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class StoreBreakerTest {
    private final AtomicLong clock = new AtomicLong();
    private final AtomicBoolean storeUp = new AtomicBoolean();
    private final AtomicInteger probes = new AtomicInteger();

    private StoreBreaker breaker() {
        return new StoreBreaker("test", 3, Duration.ofMillis(500), Duration.ofSeconds(2), () -> {
            probes.incrementAndGet();
            return storeUp.get();
        }, clock::get);
    }

    private static JobDeadline deadline(Duration d) {
        return JobDeadline.after(d);
    }

    @Test
    void failed_belowThreshold_staysClosedAndTheJobFails() {
        StoreBreaker b = breaker();

        assertThat(b.failed()).isFalse();
        assertThat(b.failed()).isFalse();
        assertThat(b.state()).isEqualTo(StoreBreaker.State.CLOSED);
    }

    @Test
    void failed_thresholdInARow_opensAndTellsTheCallerToWait() {
        StoreBreaker b = breaker();
        b.failed();
        b.failed();

        assertThat(b.failed()).isTrue();
        assertThat(b.state()).isEqualTo(StoreBreaker.State.OPEN);
    }

    @Test
    void succeeded_betweenFailures_resetsTheCount() {
        StoreBreaker b = breaker();
        b.failed();
        b.failed();
        b.succeeded();

        assertThat(b.failed()).isFalse();
        assertThat(b.state()).isEqualTo(StoreBreaker.State.CLOSED);
    }

    @Test
    void awaitClosed_openAndProbeDueWhileStoreIsBack_probesOnceAndCloses() throws Exception {
        StoreBreaker b = open(breaker());
        storeUp.set(true);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));

        assertThat(b.awaitClosed(deadline(Duration.ofSeconds(5)))).isTrue();
        assertThat(b.state()).isEqualTo(StoreBreaker.State.CLOSED);
        assertThat(probes).hasValue(1);
    }

    @Test
    void awaitClosed_probeFindsStoreDown_staysOpenUntilTheDeadline() throws Exception {
        StoreBreaker b = open(breaker());
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));

        // The probe fails; the next is due in 1 s of the manual clock, which does not move, so the
        // waiter gives up at its own (real) deadline.
        assertThat(b.awaitClosed(deadline(Duration.ofMillis(300)))).isFalse();
        assertThat(b.state()).isEqualTo(StoreBreaker.State.OPEN);
        assertThat(probes).hasValue(1);
    }

    @Test
    void awaitClosed_waiterWhileOpen_goesOnWhenARequestGetsThrough() {
        StoreBreaker b = open(breaker());
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return b.awaitClosed(deadline(Duration.ofSeconds(30)));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !waiter.isDone());

        b.succeeded();

        await().atMost(Duration.ofSeconds(10)).until(waiter::isDone);
        assertThat(waiter.join()).isTrue();
        assertThat(probes).hasValue(0);
    }

    @Test
    void awaitClosed_closed_returnsAtOnceWithoutProbing() throws Exception {
        assertThat(breaker().awaitClosed(deadline(Duration.ofSeconds(1)))).isTrue();
        assertThat(probes).hasValue(0);
    }

    @Test
    void constructor_badSettings_refusedNamingThem() {
        assertThatThrownBy(() -> new StoreBreaker("x", 0, Duration.ofSeconds(1), Duration.ofSeconds(1), () -> true, clock::get))
                .hasMessage("threshold must be at least 1, got 0");
        assertThatThrownBy(() -> new StoreBreaker("x", 1, Duration.ofSeconds(2), Duration.ofSeconds(1), () -> true, clock::get))
                .hasMessageContaining("got 2s and 1s");
    }

    private static StoreBreaker open(StoreBreaker b) {
        b.failed();
        b.failed();
        b.failed();
        return b;
    }
}
