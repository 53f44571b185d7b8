package io.imagefleet.worker.recycle;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HeapPressureTest {
    @Test
    void watch_liveDataOverTheRatioAfterACollection_notifiesWithoutPolling() {
        List<HeapPressure.Exceeded> heard = new CopyOnWriteArrayList<>();
        // A ratio this JVM's old generation is surely over once this test holds 64 MiB through a full collection.
        long max = Runtime.getRuntime().maxMemory();
        double ratio = Math.max(0.001, (32.0 * (1 << 20)) / max);
        List<byte[]> held = new ArrayList<>();
        try (HeapPressure watch = HeapPressure.watch(ratio, heard::add).orElseThrow()) {
            for (int i = 0; i < 64; i++) {
                held.add(new byte[1 << 20]);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                System.gc();
                return !heard.isEmpty();
            });
            assertThat(heard.get(0).pool()).isEqualTo(watch.poolName());
            assertThat(heard.get(0).used()).isGreaterThanOrEqualTo(heard.get(0).threshold());
            assertThat(heard.get(0).describe(0)).contains("after a collection");
        }
        assertThat(held).hasSize(64);
    }
}
