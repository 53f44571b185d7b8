package io.imagefleet.local.bench;

import io.imagefleet.wire.Result;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mean milliseconds per job in each stage of the pipeline, summed from the timings the results
 * carry: where a worker's time goes, job by job. Not thread-safe.
 */
final class StageTimes {
    static final List<String> STAGES = List.of("queued", "fetch", "probe", "admit", "decode", "process", "encode",
            "store", "total");

    private final long[] sums = new long[STAGES.size()];
    private int jobs;

    void add(Result.Timings t) {
        if (t == null) {
            return;
        }
        long[] v = {t.queuedMs(), t.fetchMs(), t.probeMs(), t.admitMs(), t.decodeMs(), t.processMs(), t.encodeMs(),
                t.storeMs(), t.totalMs()};
        for (int i = 0; i < v.length; i++) {
            sums[i] += v[i];
        }
        jobs++;
    }

    /** Stage name to mean ms per job; empty when no job had timings. */
    Map<String, Double> means() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (jobs > 0) {
            for (int i = 0; i < sums.length; i++) {
                m.put(STAGES.get(i), (double) sums[i] / jobs);
            }
        }
        return m;
    }

    /** The timings as the tab-separated fields {@link #parse} reads. */
    static String format(Result.Timings t) {
        return t == null ? "-" : t.queuedMs() + "," + t.fetchMs() + "," + t.probeMs() + "," + t.admitMs() + ","
                + t.decodeMs() + "," + t.processMs() + "," + t.encodeMs() + "," + t.storeMs() + "," + t.totalMs();
    }

    static Result.Timings parse(String s) {
        if (s.equals("-")) {
            return null;
        }
        String[] f = s.split(",");
        long[] v = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = Long.parseLong(f[i]);
        }
        return new Result.Timings(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }
}
