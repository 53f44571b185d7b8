package io.imagefleet.local.bench;

import java.util.Arrays;
import java.util.Collection;

/** Latencies of the jobs of one run, in milliseconds, sorted, with nearest-rank percentiles. Immutable. */
final class Latencies {
    static final Latencies NONE = new Latencies(new long[0]);

    private final long[] sorted;

    private Latencies(long[] sorted) {
        this.sorted = sorted;
    }

    static Latencies of(Collection<Long> millis) {
        long[] a = millis.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return new Latencies(a);
    }

    int count() {
        return sorted.length;
    }

    boolean isEmpty() {
        return sorted.length == 0;
    }

    /** The nearest-rank percentile ({@code p} in 0-100); 0 when there are no figures. */
    long percentile(double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    long max() {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    double mean() {
        return Arrays.stream(sorted).average().orElse(0);
    }
}
