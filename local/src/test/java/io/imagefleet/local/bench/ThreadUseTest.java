package io.imagefleet.local.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadUseTest {
    @Test
    void of_oneThreadWorkers_timeInJobsAndGapsPerWorker() {
        List<ThreadUse.Span> spans = List.of(
                new ThreadUse.Span("a", 20, 60), new ThreadUse.Span("b", 0, 100), new ThreadUse.Span("a", 0, 10),
                new ThreadUse.Span("a", 61, 100));

        List<ThreadUse> use = ThreadUse.of(spans, 100, 1);

        assertThat(use).containsExactly(new ThreadUse("a", 3, 0.89, 1, 10, 10), new ThreadUse("b", 1, 1.0, -1, -1, -1));
    }

    @Test
    void of_twoThreadWorker_noGapsAndFractionOfBothThreads() {
        List<ThreadUse> use = ThreadUse.of(List.of(new ThreadUse.Span("a", 0, 100), new ThreadUse.Span("a", 0, 50)), 100, 2);

        assertThat(use).containsExactly(new ThreadUse("a", 2, 0.75, -1, -1, -1));
    }
}
