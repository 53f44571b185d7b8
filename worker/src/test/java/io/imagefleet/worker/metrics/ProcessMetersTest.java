package io.imagefleet.worker.metrics;

import io.imagefleet.worker.version.WorkerVersion;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessMetersTest {
    @Test
    void create_withSlot_labelsEveryMeterAndBindsJvmAndProcessMeters() {
        try (ProcessMeters meters = ProcessMeters.create("supervisor", List.of())) {
            String text = meters.scrape();

            assertThat(text).contains("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads{",
                    "process_cpu_usage{", "imagefleet_memory_resident_bytes{slot=\"supervisor\"}");
            assertThat(PrometheusSamples.parse(text).all()).allSatisfy(s -> assertThat(s.label("slot")).isEqualTo("supervisor"));
        }
    }

    @Test
    void create_anyJvm_servesBuildInfoWithTheVersion() {
        try (ProcessMeters meters = ProcessMeters.create("0", List.of())) {
            PrometheusSamples samples = PrometheusSamples.parse(meters.scrape());

            assertThat(samples.find("imagefleet_build_info", java.util.Map.of("version", WorkerVersion.current())))
                    .singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
        }
    }

    @Test
    void create_kafkaMeterOfATopicAlias_isDroppedAndOthersKept() {
        try (ProcessMeters meters = ProcessMeters.create(null, List.of("imagefleet.jobs"))) {
            var r = meters.registry();
            Gauge.builder("kafka.consumer.fetch.manager.records.lag", () -> 1).tag("topic", "imagefleet_jobs").register(r);
            Gauge.builder("kafka.consumer.fetch.manager.records.lag", () -> 2).tag("topic", "imagefleet.jobs").register(r);
            Gauge.builder("kafka.consumer.coordinator.assigned.partitions", () -> 3).register(r);

            assertThat(r.find("kafka.consumer.fetch.manager.records.lag").gauges()).singleElement()
                    .satisfies(g -> assertThat(g.getId().getTag("topic")).isEqualTo("imagefleet.jobs"));
            assertThat(r.find("kafka.consumer.coordinator.assigned.partitions").gauge()).isNotNull();
        }
    }
}
