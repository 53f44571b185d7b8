package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlCodec;
import io.imagefleet.worker.control.ControlMessage;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** A {@link Child} that is a real process, written to on its stdin. Thread-safe. */
final class ProcessChild implements Child {
    private final ControlCodec codec = new ControlCodec();
    private volatile int slot;
    private volatile int generation;
    private final Process process;
    private final long startedNanos;
    private final Writer stdin;
    private boolean broken;

    ProcessChild(int slot, int generation, Process process, long startedNanos) {
        this.slot = slot;
        this.generation = generation;
        this.process = process;
        this.startedNanos = startedNanos;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public void assign(int slot, int generation) {
        this.slot = slot;
        this.generation = generation;
    }

    @Override
    public int generation() {
        return generation;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public long startedNanos() {
        return startedNanos;
    }

    Process process() {
        return process;
    }

    @Override
    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public synchronized void send(ControlMessage message) {
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
    @Override
    public void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void kill() {
        process.toHandle().destroyForcibly();
    }

    @Override
    public String toString() {
        return ChildLogs.label(slot) + "#" + generation + " (pid " + process.pid() + ")";
    }
}
