package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlCodec;
import io.imagefleet.worker.control.ControlMessage;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * One worker JVM the supervisor started: its process, its slot and generation (the how-many-th
 * JVM of the slot; a spare has no slot until it is put to work), and the writing end of its
 * control channel. Thread-safe.
 */
final class Child {
    private final ControlCodec codec = new ControlCodec();
    private volatile int slot;
    private volatile int generation;
    private final Process process;
    private final long startedNanos;
    private final Writer stdin;
    private boolean broken;

    Child(int slot, int generation, Process process, long startedNanos) {
        this.slot = slot;
        this.generation = generation;
        this.process = process;
        this.startedNanos = startedNanos;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** The slot it serves, or -1 while it is a spare. */
    int slot() {
        return slot;
    }

    /** Puts a spare to work in a slot. */
    void assign(int slot, int generation) {
        this.slot = slot;
        this.generation = generation;
    }

    int generation() {
        return generation;
    }

    long pid() {
        return process.pid();
    }

    long startedNanos() {
        return startedNanos;
    }

    Process process() {
        return process;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Writes a message to the child's stdin; a child that is gone is ignored (its exit is reported). */
    synchronized void send(ControlMessage message) {
        if (broken) {
            return;
        }
        try {
            stdin.write(codec.encode(message));
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            broken = true;
        }
    }

    /**
     * SIGTERM: the child drains, commits and exits. Sent through the process handle, because
     * {@link Process#destroy()} also closes our ends of its pipes and the drain's messages and
     * logs would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL. */
    void kill() {
        process.toHandle().destroyForcibly();
    }

    @Override
    public String toString() {
        return ChildLogs.label(slot) + "#" + generation + " (pid " + process.pid() + ")";
    }
}
