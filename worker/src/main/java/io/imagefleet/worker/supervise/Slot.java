package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.JobOutcome;
import io.imagefleet.worker.control.JobRef;
import io.imagefleet.worker.control.PartitionChange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One slot of the supervisor: its {@link SlotState}, changed only through the transition methods
 * here, the worker JVM running in it, the successor waiting to replace it, the records in flight,
 * and its recycle under way. Touched only by the supervisor's thread.
 */
final class Slot {
    final int index;
    private final SupervisorListener listener;
    private SlotState state = SlotState.DOWN;
    final Map<String, JobRef> inFlight = new LinkedHashMap<>();
    /** Records answered but not yet committed: a crash now would have them delivered (and answered) again. */
    final Map<String, JobRef> uncommitted = new LinkedHashMap<>();
    private Child current;
    /** The JVM that takes over when this one has drained: built while the current one works on. */
    Child successor;
    /** The JVMs that recycled and handed over, while they tear down (they hold no partitions any more). */
    final List<Child> leaving = new ArrayList<>();
    int generation;
    Set<String> partitions = new TreeSet<>();
    int consecutiveCrashes;
    long answered;
    long lastAnsweredNanos;
    /** The recycle under way: from the ask until the new JVM's first job. */
    SlotRecycle recycle;
    /** When the current JVM's loop last turned (from its heartbeats; its go until the first). */
    long lastTurnNanos;
    boolean joined;
    int heldPartitions;
    /** While {@link SlotState#DOWN}: since when, and when to start the next JVM (-1: not planned). */
    private long downSinceNanos;
    private long respawnAtNanos = -1;

    Slot(int index, SupervisorListener listener, long now) {
        this.index = index;
        this.listener = listener;
        this.downSinceNanos = now;
    }

    SlotState state() {
        return state;
    }

    Child current() {
        return current;
    }

    /** A JVM has its go in the slot: DOWN to STARTING. */
    void started(Child child, long now) {
        move(SlotState.STARTING, SlotState.DOWN);
        current = child;
        lastTurnNanos = now;
        respawnAtNanos = -1;
    }

    /** Its JVM joined the group: STARTING to RUNNING (later states stay as they are). */
    void joined() {
        if (state == SlotState.STARTING) {
            move(SlotState.RUNNING, SlotState.STARTING);
        }
    }

    /** Its JVM asked to recycle: STARTING or RUNNING to RECYCLE_ASKED. */
    void recycleAsked(SlotRecycle asked) {
        move(SlotState.RECYCLE_ASKED, SlotState.STARTING, SlotState.RUNNING);
        recycle = asked;
    }

    /** Its JVM was let go: RECYCLE_ASKED to DRAINING. */
    void granted() {
        move(SlotState.DRAINING, SlotState.RECYCLE_ASKED);
    }

    /** Its JVM exited: to DOWN (STOPPED while stopping); forgets what that JVM was doing. */
    void exited(long now) {
        if (state == SlotState.STOPPING) {
            move(SlotState.STOPPED, SlotState.STOPPING);
        } else {
            move(SlotState.DOWN, SlotState.STARTING, SlotState.RUNNING, SlotState.RECYCLE_ASKED, SlotState.DRAINING);
        }
        current = null;
        downSinceNanos = now;
        inFlight.clear();
        uncommitted.clear();
        answered = 0;
        lastAnsweredNanos = 0;
        joined = false;
        heldPartitions = 0;
    }

    /** While DOWN: start the next JVM at {@code at}. */
    void respawnAt(long at) {
        if (state != SlotState.DOWN) {
            throw new IllegalStateException("slot-" + index + " cannot plan a respawn while " + state);
        }
        respawnAtNanos = at;
    }

    boolean respawnDue(long now) {
        return state == SlotState.DOWN && respawnAtNanos >= 0 && now - respawnAtNanos >= 0;
    }

    /** The supervisor stops: to STOPPING while a JVM runs, else STOPPED. */
    void stopping() {
        if (state == SlotState.STOPPING || state == SlotState.STOPPED) {
            return;
        }
        set(current == null ? SlotState.STOPPED : SlotState.STOPPING);
        respawnAtNanos = -1;
    }

    private void move(SlotState to, SlotState... from) {
        if (!EnumSet.of(from[0], from).contains(state)) {
            throw new IllegalStateException("slot-" + index + " cannot go to " + to + " from " + state + " (only from "
                    + List.of(from) + ")");
        }
        set(to);
    }

    private void set(SlotState to) {
        SlotState from = state;
        state = to;
        if (from != to) {
            listener.slotStateChanged(index, from, to);
        }
    }

    void jobStarted(JobRef job) {
        inFlight.put(job.position(), job);
    }

    /** A job left the JVM; true when it was answered (and the slot is no longer crash-looping). */
    boolean jobEnded(JobRef job, JobOutcome outcome, long now) {
        inFlight.remove(job.position());
        if (outcome != JobOutcome.ANSWERED) {
            return false;
        }
        uncommitted.put(job.position(), job);
        answered++;
        lastAnsweredNanos = now;
        consecutiveCrashes = 0;
        return true;
    }

    /** Its JVM's partitions changed; a JVM that has partitions has joined the group. */
    AssignmentChange assignment(ControlMessage.Assignment m, Instant at) {
        boolean regained = m.change() == PartitionChange.ASSIGNED && partitions.containsAll(m.partitions());
        partitions = new TreeSet<>(m.now());
        joined();
        return new AssignmentChange(index, m.change(), m.partitions(), m.now(), !regained, at);
    }

    void heartbeat(ControlMessage.Heartbeat m, long now) {
        if (m.pollAgeMs() >= 0) {
            // Never before the go: a loop that turned before it was let go is no news.
            lastTurnNanos = Math.max(lastTurnNanos, now - m.pollAgeMs() * 1_000_000);
        }
        joined = m.joined();
        heldPartitions = m.partitions();
        if (m.joined()) {
            joined();
        }
    }

    /** Forgets answered records below the committed positions. */
    void committed(Map<String, Long> offsets) {
        uncommitted.values().removeIf(j -> {
            Long next = offsets.get(j.partitionName());
            return next != null && j.offset() < next;
        });
    }

    SlotStatus status(long now) {
        boolean consuming = current != null && state.consuming();
        SlotStatus.Liveness health = new SlotStatus.Liveness(consuming,
                consuming ? (now - lastTurnNanos) / 1_000_000 : -1, joined, heldPartitions,
                state == SlotState.DOWN ? (now - downSinceNanos) / 1_000_000 : -1, consecutiveCrashes);
        return new SlotStatus(index, state, generation, current == null ? -1 : current.pid(), inFlight.size(), answered,
                List.copyOf(partitions), health);
    }
}
