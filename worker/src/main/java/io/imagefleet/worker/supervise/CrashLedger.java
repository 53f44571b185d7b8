package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.JobRef;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts, per record position, the worker JVMs that died with it in flight. A record with any
 * crash is a suspect (it runs alone); one with {@code maxCrashes} is given up on (answered
 * WORKER_CRASHED). A record leaves the ledger once some JVM answers it. Bounded: the oldest
 * entries go first past {@link #MAX_ENTRIES}. Used by the supervisor's thread only.
 */
final class CrashLedger {
    static final int MAX_ENTRIES = 10_000;

    private final int maxCrashes;
    private final Map<String, Entry> byPosition = new LinkedHashMap<>();

    CrashLedger(int maxCrashes) {
        this.maxCrashes = maxCrashes;
    }

    /** Records a crash; {@code who} describes it ("slot-0 exit 137 (SIGKILL)"). Returns whether anything changed. */
    boolean crashed(String who, Collection<JobRef> inFlight) {
        for (JobRef job : inFlight) {
            Entry e = byPosition.computeIfAbsent(job.position(), k -> new Entry(job));
            e.crashes++;
            e.history.add(who);
        }
        Iterator<String> oldest = byPosition.keySet().iterator();
        while (byPosition.size() > MAX_ENTRIES && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
        return !inFlight.isEmpty();
    }

    /** Forgets an answered record; returns whether it was a suspect. */
    boolean answered(JobRef job) {
        return byPosition.remove(job.position()) != null;
    }

    List<ControlMessage.Suspect> suspects() {
        List<ControlMessage.Suspect> out = new ArrayList<>(byPosition.size());
        byPosition.values().forEach(e -> out.add(new ControlMessage.Suspect(e.job, e.crashes, e.crashes >= maxCrashes,
                String.join("; ", e.history))));
        return out;
    }

    private static final class Entry {
        final JobRef job;
        final List<String> history = new ArrayList<>();
        int crashes;

        Entry(JobRef job) {
            this.job = job;
        }
    }
}
