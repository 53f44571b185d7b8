package io.imagefleet.worker.supervise;

/**
 * Hears what a {@link Supervisor} does. Called on the supervisor's thread: implementations must
 * be quick and must not throw.
 */
public interface SupervisorListener {
    /** Hears nothing. */
    SupervisorListener NONE = new SupervisorListener() { };

    /** A worker JVM was started in a slot. */
    default void started(int slot, int generation, long pid) {
    }

    /** A slot was let go to recycle. */
    default void recycling(int slot, String reason, String detail) {
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
}
