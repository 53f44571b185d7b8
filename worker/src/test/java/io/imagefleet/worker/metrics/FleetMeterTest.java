package io.imagefleet.worker.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FleetMeterTest {
    /** Tag keys whose values would be unbounded (one series per job or file). */
    private static final Set<String> UNBOUNDED = Set.of("job", "jobid", "id", "file", "uri", "source", "target", "path",
            "offset", "key");

    @Test
    void catalogue_everyMeter_isNamedDescribedAndTaggedBoundedly() {
        assertThat(FleetMeter.values()).allSatisfy(m -> {
            assertThat(m.meterName()).matches("imagefleet(\\.[a-z]+)+");
            assertThat(m.description()).hasSizeGreaterThan(20);
            assertThat(m.tagKeys()).noneMatch(k -> UNBOUNDED.contains(k.toLowerCase(java.util.Locale.ROOT)));
        });
        assertThat(Arrays.stream(FleetMeter.values()).map(FleetMeter::meterName).distinct()).hasSize(FleetMeter.values().length);
    }

    @Test
    void catalogue_everyMeter_isInTheOperationsGuide() throws java.io.IOException {
        String guide = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "operations.md"));

        assertThat(FleetMeter.values()).allSatisfy(m -> assertThat(guide).contains("`" + m.meterName() + "`"));
    }

    @Test
    void counter_wrongNumberOfTagValues_isRefused() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        assertThatThrownBy(() -> FleetMeter.JOBS.counter(registry, "succeeded"))
                .hasMessage("imagefleet.jobs takes tags [outcome, code], got 1 values");
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void timer_registered_hasTheDescriptionAndHistogramBuckets() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        FleetMeter.STAGE_DURATION.timer(registry, "decode").record(java.time.Duration.ofMillis(30));

        var timer = registry.get("imagefleet.stage.duration").tag("stage", "decode").timer();
        assertThat(timer.getId().getDescription()).isEqualTo(FleetMeter.STAGE_DURATION.description());
        assertThat(timer.takeSnapshot().histogramCounts()).hasSize(FleetMeter.TIME_BUCKETS.length);
    }
}
