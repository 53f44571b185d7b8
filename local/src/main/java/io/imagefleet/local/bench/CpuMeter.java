package io.imagefleet.local.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU time of groups of processes ("worker JVMs", "Kafka broker"), summed per group, from
 * what the OS reports for each live process. Two readings give what each group used between
 * them, process by process: a process gone by the second reading (an AOT training JVM that
 * finished, a worker JVM that recycled) is left out, since what it used after the first reading
 * can no longer be read, rather than subtracted whole. Immutable.
 */
final class CpuMeter {
    private final Map<String, List<Long>> pidsByRole;

    CpuMeter(Map<String, List<Long>> pidsByRole) {
        this.pidsByRole = new LinkedHashMap<>(pidsByRole);
    }

    /** The CPU seconds each group's live processes have used so far, by process. */
    Map<String, Map<Long, Double>> read() {
        Map<String, Map<Long, Double>> out = new LinkedHashMap<>();
        pidsByRole.forEach((role, pids) -> {
            Map<Long, Double> byPid = new LinkedHashMap<>();
            pids.forEach(pid -> cpu(pid).ifPresent(s -> byPid.put(pid, s)));
            out.put(role, byPid);
        });
        return out;
    }

    /** What each group used from {@code before} to {@code after}, over the processes alive at both readings. */
    static Map<String, Double> between(Map<String, Map<Long, Double>> before, Map<String, Map<Long, Double>> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((role, byPid) -> {
            Map<Long, Double> then = before.getOrDefault(role, Map.of());
            out.put(role, byPid.entrySet().stream().filter(e -> then.containsKey(e.getKey()))
                    .mapToDouble(e -> Math.max(0, e.getValue() - then.get(e.getKey()))).sum());
        });
        return out;
    }

    static double seconds(long pid) {
        return cpu(pid).orElse(0.0);
    }

    private static Optional<Double> cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9);
    }
}
