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
        Map<String, Double> before = meter.read();
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
}
