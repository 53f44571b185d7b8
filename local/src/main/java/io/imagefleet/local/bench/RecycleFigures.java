package io.imagefleet.local.bench;

import java.util.List;

/**
 * What recycling cost a fleet run: the recycles the supervisor reported (each with its gap
 * between jobs, as the supervisor measures it: from the old JVM's last answered job (or the grant, if later) to the new
 * one's first started job), and the fleet's throughput while a recycle was under way (from the
 * supervisor letting the slot go to the new JVM starting a job) against the rest of the run.
 * Immutable.
 *
 * @param recycles           the recycles, in the order they ended
 * @param runStartMs         when the run's first job was published
 * @param duringPerSecond    images finished per second while a recycle was under way; NaN with no recycle
 * @param otherwisePerSecond images finished per second the rest of the run
 */
record RecycleFigures(List<RecycleLog.Recycle> recycles, long runStartMs, double duringPerSecond,
                      double otherwisePerSecond) {

    RecycleFigures {
        recycles = List.copyOf(recycles);
    }

    static RecycleFigures of(List<RecycleLog.Recycle> recycles, List<LoadDriver.Done> done) {
        long first = done.stream().mapToLong(LoadDriver.Done::publishedMs).min().orElse(0);
        long last = done.stream().mapToLong(LoadDriver.Done::resultMs).max().orElse(first);
        long windowMs = 0;
        for (RecycleLog.Recycle r : recycles) {
            windowMs += Math.max(0, Math.min(last, r.endMs()) - Math.max(first, r.startMs()));
        }
        long inside = done.stream().filter(d -> d.succeeded() && recycles.stream()
                .anyMatch(r -> d.resultMs() >= r.startMs() && d.resultMs() <= r.endMs())).count();
        long all = done.stream().filter(LoadDriver.Done::succeeded).count();
        long otherMs = Math.max(1, last - first - windowMs);
        return new RecycleFigures(recycles, first, windowMs == 0 ? Double.NaN : inside * 1000.0 / windowMs,
                (all - inside) * 1000.0 / otherMs);
    }

    /** The supervisor's gaps between jobs, of the recycles after which a job came. */
    Latencies gaps() {
        return Latencies.of(recycles.stream().map(RecycleLog.Recycle::gapMs).filter(g -> g >= 0).toList());
    }

    Latencies drains() {
        return Latencies.of(recycles.stream().map(RecycleLog.Recycle::drainMs).toList());
    }

    Latencies rejoins() {
        return Latencies.of(recycles.stream().map(RecycleLog.Recycle::rejoinMs).filter(g -> g >= 0).toList());
    }

    /** How much lower throughput was during recycles than otherwise (0.1 = 10% lower); NaN with no recycle. */
    double dip() {
        return 1 - duringPerSecond / otherwisePerSecond;
    }
}
