package io.imagefleet.local.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time of groups of processes ("worker JVMs", "Kafka broker"), summed per group, from
 * what the OS reports for each live process. Two readings give what each group used between
 * them. Immutable.
 */
final class CpuMeter {
    private final Map<String, List<Long>> pidsByRole;

    CpuMeter(Map<String, List<Long>> pidsByRole) {
        this.pidsByRole = new LinkedHashMap<>(pidsByRole);
    }

    /** CPU seconds each group has used so far. */
    Map<String, Double> read() {
        Map<String, Double> out = new LinkedHashMap<>();
        pidsByRole.forEach((role, pids) -> out.put(role, pids.stream().mapToDouble(CpuMeter::seconds).sum()));
        return out;
    }

    /** What each group used from {@code before} to {@code after}. */
    static Map<String, Double> between(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((role, s) -> out.put(role, Math.max(0, s - before.getOrDefault(role, 0.0))));
        return out;
    }

    static double seconds(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos)
                .orElse(0L) / 1e9;
    }
}
