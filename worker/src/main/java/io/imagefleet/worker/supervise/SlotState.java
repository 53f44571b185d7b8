package io.imagefleet.worker.supervise;

import java.util.Locale;

/**
 * Where a supervisor's slot stands. A slot starts {@link #DOWN}; its JVM, told to go, is
 * {@link #STARTING} until it joins the group, then {@link #RUNNING}. A recycle goes
 * {@link #RECYCLE_ASKED} (the JVM works on while its successor is built), {@link #DRAINING} (let
 * go), then {@link #STARTING} again with the successor. A crash goes {@link #DOWN} until the
 * respawn (at once, or after a backoff in a crash loop). {@link #STOPPING} and {@link #STOPPED}
 * follow the supervisor's stop. Exported as the gauge {@code imagefleet.slot.state}.
 */
enum SlotState {
    /** No worker JVM: not started yet, in a crash backoff, or its JVM could not be launched. */
    DOWN,
    /** A worker JVM has its go and has not joined the group yet. */
    STARTING,
    /** Its worker JVM has joined the group and consumes. */
    RUNNING,
    /** Its worker JVM asked to recycle and consumes on until it is let go. */
    RECYCLE_ASKED,
    /** Its worker JVM was let go to recycle: it finishes what it holds, commits and exits. */
    DRAINING,
    /** The supervisor is stopping: its worker JVM had SIGTERM and drains. */
    STOPPING,
    /** The supervisor stopped and the slot's worker JVM is gone. */
    STOPPED;

    /** Whether a worker JVM in this state has its go and is not on its way out. */
    public boolean consuming() {
        return this == STARTING || this == RUNNING || this == RECYCLE_ASKED;
    }

    /** The name as a metrics tag and in logs: {@code recycle_asked}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
