package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A worker JVM that is not one: it records what the supervisor sends it and signals it gets, and
 * says or exits only when the test tells it to. A kill exits it at once with 137, like SIGKILL.
 */
final class FakeChild implements Child {
    private final ChildLauncher.Events events;
    private final long pid;
    private final long startedNanos;
    private final List<ControlMessage> received = new CopyOnWriteArrayList<>();
    private volatile int slot;
    private volatile int generation;
    private volatile boolean alive = true;
    private volatile boolean terminated;

    FakeChild(int slot, int generation, long pid, long startedNanos, ChildLauncher.Events events) {
        this.slot = slot;
        this.generation = generation;
        this.pid = pid;
        this.startedNanos = startedNanos;
        this.events = events;
    }

    /** The child sends a message to the supervisor. */
    FakeChild say(ControlMessage message) {
        events.message(this, message);
        return this;
    }

    /** The child exits with this code. */
    void exit(int code) {
        if (alive) {
            alive = false;
            events.exited(this, code);
        }
    }

    List<ControlMessage> received() {
        return List.copyOf(received);
    }

    /** The messages of this type the child got, in order. */
    <T extends ControlMessage> List<T> received(Class<T> type) {
        return received.stream().filter(type::isInstance).map(type::cast).toList();
    }

    boolean terminated() {
        return terminated;
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
        return pid;
    }

    @Override
    public long startedNanos() {
        return startedNanos;
    }

    @Override
    public boolean alive() {
        return alive;
    }

    @Override
    public void send(ControlMessage message) {
        if (alive) {
            received.add(message);
        }
    }

    @Override
    public void terminate() {
        terminated = true;
    }

    @Override
    public void kill() {
        exit(137);
    }

    @Override
    public String toString() {
        return "fake slot-" + slot + "#" + generation + " (pid " + pid + ")";
    }
}
