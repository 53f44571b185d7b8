package io.imagefleet.local.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of the run a worker's job threads spent inside jobs, and the gaps between one job's
 * end and the next one's start: what a fleet loses beyond CPU, to handing jobs over and to
 * waiting for work. Immutable.
 *
 * @param name    the worker ({@code host/slot-N}) or the in-process JVM
 * @param jobs    jobs it finished
 * @param inJob   time its threads spent in jobs, as a fraction of the run times its threads
 * @param gapP50  median gap between jobs, ms (-1 when not known)
 * @param gapP90  90th percentile gap, ms
 * @param gapMax  the longest gap, ms
 */
record ThreadUse(String name, int jobs, double inJob, long gapP50, long gapP90, long gapMax) {

    /** One job as a worker saw it: when it started and ended, in ms on one clock. */
    record Span(String worker, long startMs, long endMs) {
    }

    /**
     * Per worker, from its jobs' spans, over a run of {@code runMs}; gaps only for one-thread
     * workers (with more threads, jobs overlap and a gap means nothing).
     */
    static List<ThreadUse> of(List<Span> spans, long runMs, int threadsPerWorker) {
        Map<String, List<Span>> byWorker = new LinkedHashMap<>();
        spans.stream().sorted(Comparator.comparing(Span::worker).thenComparingLong(Span::startMs))
                .forEach(s -> byWorker.computeIfAbsent(s.worker(), w -> new ArrayList<>()).add(s));
        List<ThreadUse> out = new ArrayList<>();
        byWorker.forEach((worker, js) -> {
            long busy = js.stream().mapToLong(s -> s.endMs() - s.startMs()).sum();
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < js.size() && threadsPerWorker == 1; i++) {
                gaps.add(Math.max(0, js.get(i).startMs() - js.get(i - 1).endMs()));
            }
            Latencies g = Latencies.of(gaps);
            boolean known = !gaps.isEmpty();
            out.add(new ThreadUse(worker, js.size(), (double) busy / Math.max(1, runMs * threadsPerWorker),
                    known ? g.percentile(50) : -1, known ? g.percentile(90) : -1, known ? g.max() : -1));
        });
        return out;
    }
}
