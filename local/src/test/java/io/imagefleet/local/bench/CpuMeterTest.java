package io.imagefleet.local.bench;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CpuMeterTest {
    @Test
    void between_thisJvmHashing_countsItsCpuUnderItsRole() throws Exception {
        CpuMeter meter = new CpuMeter(Map.of("this JVM", List.of(ProcessHandle.current().pid()), "nobody", List.of()));
        Map<String, Map<Long, Double>> before = meter.read();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1 << 20];
        for (int i = 0; i < 400; i++) {
            block[0] = (byte) i;
            sha.update(block);
        }
        assertThat(sha.digest()).hasSize(32);

        Map<String, Double> used = CpuMeter.between(before, meter.read());

        assertThat(used.get("this JVM")).isGreaterThan(0.05);
        assertThat(used.get("nobody")).isZero();
    }

    @Test
    void between_aProcessGoneByTheSecondReading_leftOutRatherThanSubtracted() throws Exception {
        // A shell that spins, then waits: it has used more CPU than this JVM will between the readings.
        Process busy = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt 3000000 ]; do i=$((i+1)); done; read x")
                .redirectErrorStream(true).start();
        try {
            long self = ProcessHandle.current().pid();
            CpuMeter meter = new CpuMeter(Map.of("workers", List.of(busy.pid(), self)));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
                    .until(() -> CpuMeter.seconds(busy.pid()) > 1.0);
            Map<String, Map<Long, Double>> before = meter.read();
            busy.destroyForcibly().waitFor();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                block[0] = (byte) i;
                sha.update(block);
            }
            assertThat(sha.digest()).hasSize(32);

            Map<String, Map<Long, Double>> after = meter.read();
            Map<String, Double> used = CpuMeter.between(before, after);

            assertThat(before.get("workers")).containsKey(busy.pid());
            assertThat(after.get("workers")).doesNotContainKey(busy.pid());
            // Subtracting the gone process's whole reading would have left nothing (clamped to 0).
            assertThat(used.get("workers")).isEqualTo(after.get("workers").get(self) - before.get("workers").get(self))
                    .isGreaterThan(0.0);
        } finally {
            busy.destroyForcibly();
        }
    }
}
