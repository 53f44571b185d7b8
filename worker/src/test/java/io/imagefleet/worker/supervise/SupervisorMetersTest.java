package io.imagefleet.worker.supervise;

import io.imagefleet.worker.recycle.RecycleReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SupervisorMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SupervisorMeters meters = new SupervisorMeters(registry, 1);

    @Test
    void recycled_knownReason_countsUnderItsWireName() {
        meters.recycled(record(RecycleReason.STUCK_JOB));

        assertThat(count("stuck-job")).isEqualTo(1.0);
        assertThat(count("other")).isZero();
    }

    @Test
    void recycled_reasonFromANewerWorker_countsAsOther() {
        meters.recycled(record(RecycleReason.UNKNOWN));

        assertThat(count("other")).isEqualTo(1.0);
    }

    @Test
    void constructor_everySlot_registersTheDocumentedReasonsAndOther() {
        assertThat(registry.find("imagefleet.recycles").counters())
                .map(c -> c.getId().getTag("reason"))
                .containsExactlyInAnyOrder("max-jobs", "heap", "rss", "age", "stuck-job", "other");
    }

    private double count(String reason) {
        return registry.get("imagefleet.recycles").tag("slot", "0").tag("reason", reason).counter().count();
    }

    private static RecycleRecord record(RecycleReason reason) {
        return new RecycleRecord(0, reason, "why", 10, Instant.EPOCH, Duration.ofMillis(200), Duration.ofMillis(50),
                Duration.ofMillis(300));
    }
}
