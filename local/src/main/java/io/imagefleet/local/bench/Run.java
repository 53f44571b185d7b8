package io.imagefleet.local.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one measured run gave: how many jobs, how long, what failed, each job's latency, when
 * each finished, and the memory of the processes that ran it. Immutable.
 *
 * @param system      {@code in-process}, {@code fleet}, {@code fleet open loop}, {@code vipsthumbnail}, {@code convert}
 * @param processes   processes that did the work
 * @param threads     threads per process
 * @param jobs        jobs in the measured run
 * @param succeeded   jobs that produced their output
 * @param failures    failed jobs by error code
 * @param seconds     from the first job started (or published) to the last finished
 * @param megapixels  source megapixels of the jobs that succeeded
 * @param latencies   per job: service time in process, publish to result through the fleet; none for the tools
 * @param doneAtMs    when each job finished, in ms from the start of the run
 * @param memory      peak and current RSS of the processes, read at the end of the run
 * @param offeredRate jobs per second offered in an open-loop run; 0 for a closed-loop one
 * @param otherCores  cores' worth of CPU that processes outside the bench used during the run; -1 unknown
 * @param cpuSeconds  CPU time the run's processes used during it, by role ("worker JVMs", "Kafka broker", ...)
 * @param stageMs     mean ms per job in each pipeline stage, from the results' timings; empty for the tools
 * @param threadUse   per worker (or the in-process JVM): time in jobs and gaps between them; empty for the tools
 */
record Run(String system, int processes, int threads, int jobs, int succeeded, SortedMap<String, Integer> failures,
           double seconds, double megapixels, Latencies latencies, List<Long> doneAtMs, List<ProcessMemory> memory,
           double offeredRate, double otherCores, Map<String, Double> cpuSeconds,
           Map<String, Double> stageMs, List<ThreadUse> threadUse) {

    Run {
        failures = new TreeMap<>(failures);
        doneAtMs = List.copyOf(doneAtMs);
        memory = List.copyOf(memory);
        cpuSeconds = Collections.unmodifiableMap(new LinkedHashMap<>(cpuSeconds));
        stageMs = Collections.unmodifiableMap(new LinkedHashMap<>(stageMs));
        threadUse = List.copyOf(threadUse);
    }

    /** The same run under another name ({@code in-process heic}). */
    Run as(String name) {
        return new Run(name, processes, threads, jobs, succeeded, failures, seconds, megapixels, latencies, doneAtMs, memory,
                offeredRate, otherCores, cpuSeconds, stageMs, threadUse);
    }

    static SortedMap<String, Integer> noFailures() {
        return new TreeMap<>(Map.of());
    }

    int cores() {
        return processes * threads;
    }

    double imagesPerSecond() {
        return seconds <= 0 ? 0 : succeeded / seconds;
    }

    double megapixelsPerSecond() {
        return seconds <= 0 ? 0 : megapixels / seconds;
    }

    int failed() {
        return jobs - succeeded;
    }

    /** {@code 2x1}: processes x threads. */
    String shape() {
        return processes + "x" + threads;
    }
}
