package io.imagefleet.worker.supervise;

import io.imagefleet.worker.recycle.RecycleReason;

import java.util.List;

/**
 * Hears what a {@link Supervisor} does: the one way to learn of its recycles, crashes, partition
 * changes and exits (the supervisor keeps no history; a test or a report records what it needs).
 * Called on the supervisor's thread: implementations must be quick and must not throw.
 */
public interface SupervisorListener {
    /** Hears nothing. */
    SupervisorListener NONE = new SupervisorListener() { };

    /** A worker JVM was started in a slot. */
    default void started(int slot, int generation, long pid) {
    }

    /** A slot moved from one state to another. */
    default void slotStateChanged(int slot, SlotState from, SlotState to) {
    }

    /** A slot was let go to recycle. */
    default void recycling(int slot, RecycleReason reason, String detail) {
    }

    /** A recycle is over: the new JVM started a job (or the slot moved on without one). */
    default void recycled(RecycleRecord record) {
    }

    /** A worker JVM died without being told to. */
    default void crashed(CrashRecord record) {
    }

    /** A running worker JVM's partitions changed. */
    default void assignmentChanged(AssignmentChange change) {
    }

    /** A worker JVM said what it did as it exited on purpose. */
    default void exited(ExitReport report) {
    }

    /** One listener that tells each of these in turn. */
    static SupervisorListener all(List<SupervisorListener> listeners) {
        List<SupervisorListener> list = List.copyOf(listeners);
        if (list.size() == 1) {
            return list.get(0);
        }
        return new SupervisorListener() {
            @Override
            public void started(int slot, int generation, long pid) {
                list.forEach(l -> l.started(slot, generation, pid));
            }

            @Override
            public void slotStateChanged(int slot, SlotState from, SlotState to) {
                list.forEach(l -> l.slotStateChanged(slot, from, to));
            }

            @Override
            public void recycling(int slot, RecycleReason reason, String detail) {
                list.forEach(l -> l.recycling(slot, reason, detail));
            }

            @Override
            public void recycled(RecycleRecord record) {
                list.forEach(l -> l.recycled(record));
            }

            @Override
            public void crashed(CrashRecord record) {
                list.forEach(l -> l.crashed(record));
            }

            @Override
            public void assignmentChanged(AssignmentChange change) {
                list.forEach(l -> l.assignmentChanged(change));
            }

            @Override
            public void exited(ExitReport report) {
                list.forEach(l -> l.exited(report));
            }
        };
    }
}
