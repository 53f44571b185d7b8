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
    /** When the current JVM's loop last turned (from its heartbeats; its go until the first). */
    long lastTurnNanos;
    boolean joined;
    int heldPartitions;
    /** When the slot lost its last JVM, or -1 while it has one. */
    long downSinceNanos = -1;

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
        joined = false;
        heldPartitions = 0;
    }

    /** Forgets answered records below the committed positions. */
    void committed(Map<String, Long> offsets) {
        uncommitted.values().removeIf(j -> {
            Long next = offsets.get(j.partitionName());
            return next != null && j.offset() < next;
        });
    }

    SlotStatus status(long now) {
        boolean consuming = current != null && !draining;
        SlotStatus.Liveness health = new SlotStatus.Liveness(consuming,
                consuming ? (now - lastTurnNanos) / 1_000_000 : -1, joined, heldPartitions,
                current == null && downSinceNanos >= 0 ? (now - downSinceNanos) / 1_000_000 : -1, consecutiveCrashes);
        return new SlotStatus(index, generation, current == null ? -1 : current.pid(), inFlight.size(), answered,
                List.copyOf(partitions), health);
    }

    /** A recycle whose new JVM has not started a job yet: the gap is still open. */
    record PendingRecycle(String reason, String detail, long jobs, Instant grantedAt, Duration drain, long lastJobNanos,
                          long exitNanos) {
    }
}
