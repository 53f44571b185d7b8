package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;

/**
 * One worker JVM the supervisor started, as the supervisor handles it: its slot and generation
 * (the how-many-th JVM of the slot; a spare has no slot until it is put to work), the writing end
 * of its control channel, and signals. Implementations are thread-safe.
 */
interface Child {
    /** The slot it serves, or -1 while it is a spare (or {@link AotCache#TRAINER} for the AOT trainer). */
    int slot();

    /** Puts a spare to work in a slot. */
    void assign(int slot, int generation);

    int generation();

    long pid();

    /** When it was started, in the supervisor's {@code nanos} time. */
    long startedNanos();

    boolean alive();

    /** Writes a message to the child; a child that is gone is ignored (its exit is reported). */
    void send(ControlMessage message);

    /** SIGTERM: the child drains, commits and exits. */
    void terminate();

    /** SIGKILL. */
    void kill();
}
