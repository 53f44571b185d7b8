package io.imagefleet.worker;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloserTest {
    private final List<String> closed = new ArrayList<>();
    private final Closer closer = new Closer("test root");

    @Test
    void close_threeResources_closesThemLastBuiltFirst() {
        closer.add("a", recording("a"), Duration.ofSeconds(1));
        closer.add("b", recording("b"), Duration.ofSeconds(1));
        closer.add("c", recording("c"), Duration.ofSeconds(1));

        closer.close();

        assertThat(closed).containsExactly("c", "b", "a");
    }

    @Test
    void close_aStepFails_theNextStepsStillRun() {
        closer.add("a", recording("a"), Duration.ofSeconds(1));
        closer.add("broken", (AutoCloseable) () -> {
            throw new IllegalStateException("boom");
        }, Duration.ofSeconds(1));

        closer.close();

        assertThat(closed).containsExactly("a");
    }

    @Test
    void close_executor_isShutDownAndAwaited() {
        ExecutorService pool = closer.executor("pool", Executors.newSingleThreadExecutor(), Duration.ofSeconds(5));
        pool.execute(() -> { });

        closer.close();

        assertThat(pool.isTerminated()).isTrue();
    }

    @Test
    void close_executorWhoseThreadIgnoresInterrupts_returnsAfterItsLimit() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = closer.executor("stubborn pool", Executors.newSingleThreadExecutor(),
                Duration.ofMillis(50));
        pool.execute(() -> {
            running.countDown();
            while (true) {
                try {
                    release.await();
                    return;
                } catch (InterruptedException e) {
                    // ignores the interrupt, as a stuck decoder would
                }
            }
        });
        running.await();

        closer.close();

        assertThat(pool.isTerminated()).as("left running past its limit").isFalse();
        release.countDown();
    }

    @Test
    void closeAfter_buildFailedPartWay_closesWhatWasBuiltAndReturnsTheFailure() {
        closer.add("a", recording("a"), Duration.ofSeconds(1));
        IllegalStateException failure = new IllegalStateException("could not build b");

        assertThatThrownBy(() -> {
            throw closer.closeAfter(failure);
        }).isSameAs(failure);
        assertThat(closed).containsExactly("a");
    }

    private AutoCloseable recording(String name) {
        return () -> closed.add(name);
    }
}
