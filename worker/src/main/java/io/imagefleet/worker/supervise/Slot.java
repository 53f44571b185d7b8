package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.JobRef;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One slot of the supervisor: the worker JVM running in it, the successor waiting to replace it,
 * the records in flight, and where its recycle stands. Touched only by the supervisor's thread.
 */
final class Slot {
    final int index;
    final Map<String, JobRef> inFlight = new LinkedHashMap<>();
    /** Records answered but not yet committed: a crash now would have them delivered (and answered) again. */
    final Map<String, JobRef> uncommitted = new LinkedHashMap<>();
    Child current;
    Child successor;
    boolean successorReady;
    /** Whether the spare taken as successor had already said hello. */
    boolean successorReadyFromSpare;
    int generation;
    Set<String> partitions = new TreeSet<>();
    int consecutiveCrashes;
    boolean respawnPending;
    long respawnAtNanos;
    long answered;
    long lastAnsweredNanos;
    String recycleReason;
    String recycleDetail;
    long askedNanos;
    boolean draining;
    long grantedNanos;
    Instant grantedAt;
    boolean rejoining;
    long rejoinFrom;
    Duration rejoin;
    PendingRecycle awaitingFirstJob;

    Slot(int index) {
        this.index = index;
    }

    /** Forgets what the last JVM was doing, for the next one. */
    void resetChild() {
        inFlight.clear();
        uncommitted.clear();
        answered = 0;
        lastAnsweredNanos = 0;
        recycleReason = null;
        recycleDetail = null;
        draining = false;
        successorReady = false;
    }

    /** Forgets answered records below the committed positions. */
    void committed(Map<String, Long> offsets) {
        uncommitted.values().removeIf(j -> {
            Long next = offsets.get(j.partitionName());
            return next != null && j.offset() < next;
        });
    }

    SlotStatus status() {
        return new SlotStatus(index, generation, current == null ? -1 : current.pid(), inFlight.size(), answered,
                List.copyOf(partitions));
    }

    /** A recycle whose new JVM has not started a job yet: the gap is still open. */
    record PendingRecycle(String reason, String detail, long jobs, Instant grantedAt, Duration drain, long lastJobNanos,
                          long exitNanos) {
    }
}
