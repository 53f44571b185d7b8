package io.imagefleet.local.status;

import io.imagefleet.worker.metrics.PrometheusSamples;
import io.imagefleet.worker.metrics.PrometheusSamples.Sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One pod's figures per slot, from two scrapes of its {@code /metrics} taken some time apart:
 * throughput over that time, and, as of the second, jobs in flight, partitions, poll age,
 * resident memory, failed jobs, recycles by reason and crashes by cause. Immutable.
 */
record PodFigures(String url, Duration interval, List<Slot> slots) {

    /**
     * One slot's figures.
     *
     * @param jobsPerSecond jobs answered per second between the scrapes (a recycle in between
     *                      restarts the JVM's counters: the second scrape's count is then used)
     * @param answered      jobs answered by the slot's current worker JVM
     * @param recycles      recycles so far by reason (only reasons that happened)
     * @param crashes       crashes so far by cause (only causes that happened)
     */
    record Slot(String slot, boolean up, double jobsPerSecond, long answered, long failed, long inFlight,
                long partitions, double pollAgeSeconds, long residentBytes, Map<String, Long> recycles,
                Map<String, Long> crashes) {
    }

    static PodFigures of(String url, PrometheusSamples first, PrometheusSamples second, Duration interval) {
        Set<String> slots = new TreeSet<>();
        for (String name : List.of("imagefleet_slot_up", "imagefleet_jobs_total")) {
            second.find(name, Map.of()).forEach(s -> {
                String slot = s.label("slot");
                if (slot != null && !slot.equals("supervisor")) {
                    slots.add(slot);
                }
            });
        }
        List<Slot> out = new ArrayList<>();
        double secs = Math.max(1e-3, interval.toMillis() / 1000.0);
        for (String slot : slots) {
            Map<String, String> s = Map.of("slot", slot);
            double before = first.sum("imagefleet_jobs_total", s);
            double after = second.sum("imagefleet_jobs_total", s);
            double rate = (after >= before ? after - before : after) / secs;
            List<Sample> up = second.find("imagefleet_slot_up", s);
            out.add(new Slot(slot, up.isEmpty() || up.get(0).value() > 0, rate, (long) after,
                    (long) second.sum("imagefleet_jobs_total", Map.of("slot", slot, "outcome", "failed")),
                    (long) second.sum("imagefleet_jobs_in_flight", s),
                    (long) second.sum("imagefleet_partitions_assigned", s),
                    second.find("imagefleet_poll_age_seconds", s).stream().mapToDouble(Sample::value).findFirst()
                            .orElse(Double.NaN),
                    (long) second.sum("imagefleet_memory_resident_bytes", s),
                    byLabel(second, "imagefleet_recycles_total", slot, "reason"),
                    byLabel(second, "imagefleet_crashes_total", slot, "cause")));
        }
        return new PodFigures(url, interval, out);
    }

    private static Map<String, Long> byLabel(PrometheusSamples samples, String name, String slot, String label) {
        Map<String, Long> out = new TreeMap<>();
        for (Sample s : samples.find(name, Map.of("slot", slot))) {
            if (s.value() > 0) {
                out.merge(s.label(label), (long) s.value(), Long::sum);
            }
        }
        return out;
    }

    /** {@code 3 (max-jobs=2, rss=1)}, or {@code 0}. */
    static String counts(Map<String, Long> byKey) {
        long total = byKey.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return "0";
        }
        return total + " (" + byKey.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }

    static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.1f s", s);
    }
}
