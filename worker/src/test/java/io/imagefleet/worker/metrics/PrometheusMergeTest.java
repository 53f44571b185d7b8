package io.imagefleet.worker.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusMergeTest {
    private static final String SUPERVISOR = """
            # HELP jvm_threads_live_threads live threads
            # TYPE jvm_threads_live_threads gauge
            jvm_threads_live_threads{slot="supervisor"} 12.0
            # HELP imagefleet_recycles_total recycles
            # TYPE imagefleet_recycles_total counter
            imagefleet_recycles_total{reason="max-jobs",slot="0"} 3.0
            """;
    private static final String CHILD = """
            # HELP jvm_threads_live_threads live threads
            # TYPE jvm_threads_live_threads gauge
            jvm_threads_live_threads 31.0
            # HELP imagefleet_jobs_total jobs
            # TYPE imagefleet_jobs_total counter
            imagefleet_jobs_total{code="none",outcome="succeeded"} 7.0
            # HELP imagefleet_stage_duration_seconds stages
            # TYPE imagefleet_stage_duration_seconds histogram
            imagefleet_stage_duration_seconds_bucket{stage="decode",le="0.1"} 2
            imagefleet_stage_duration_seconds_bucket{stage="decode",le="+Inf"} 7
            imagefleet_stage_duration_seconds_count{stage="decode"} 7
            imagefleet_stage_duration_seconds_sum{stage="decode"} 1.5
            """;

    @Test
    void merge_sharedFamily_appearsOnceWithEverySourcesSamples() {
        String merged = PrometheusMerge.merge(List.of(new PrometheusMerge.Source(SUPERVISOR, null),
                new PrometheusMerge.Source(CHILD, "0"), new PrometheusMerge.Source(CHILD.replace("7", "4"), "1")));

        assertThat(merged.lines().filter(l -> l.equals("# TYPE jvm_threads_live_threads gauge"))).hasSize(1);
        assertThat(merged).contains("""
                # HELP jvm_threads_live_threads live threads
                # TYPE jvm_threads_live_threads gauge
                jvm_threads_live_threads{slot="supervisor"} 12.0
                jvm_threads_live_threads{slot="0"} 31.0
                jvm_threads_live_threads{slot="1"} 31.0
                """);
        PrometheusSamples samples = PrometheusSamples.parse(merged);
        assertThat(samples.sum("imagefleet_jobs_total", Map.of("outcome", "succeeded"))).isEqualTo(11);
        assertThat(samples.sum("imagefleet_stage_duration_seconds_bucket", Map.of("slot", "0", "le", "+Inf"))).isEqualTo(7);
        assertThat(samples.sum("imagefleet_recycles_total", Map.of("slot", "0"))).isEqualTo(3);
    }

    @Test
    void withSlot_sampleWithAndWithoutLabels_getsTheSlotFirst() {
        assertThat(PrometheusMerge.withSlot("up 1.0", "2")).isEqualTo("up{slot=\"2\"} 1.0");
        assertThat(PrometheusMerge.withSlot("up{} 1.0", "2")).isEqualTo("up{slot=\"2\"} 1.0");
        assertThat(PrometheusMerge.withSlot("up{a=\"b c\"} 1.0", "2")).isEqualTo("up{slot=\"2\",a=\"b c\"} 1.0");
    }
}
