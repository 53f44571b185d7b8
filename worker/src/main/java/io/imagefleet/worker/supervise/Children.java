package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.ExitCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Every worker JVM a supervisor runs and where each stands: the slots' JVMs and their successors,
 * the spare ({@link SparePool}) and the JVM training the AOT cache. Starts them through the
 * {@link ChildLauncher}, notes which have said hello, puts a successor or the spare in a slot and
 * tells it to go. Touched only by the supervisor's thread.
 */
final class Children {
    private static final Logger log = LoggerFactory.getLogger(Children.class);

    private final List<Slot> slots = new ArrayList<>();
    private final ChildLauncher launcher;
    private final ChildLauncher.Events events;
    private final SupervisorListener listener;
    private final CrashPolicy policy;
    private final LongSupplier nanos;
    private final SparePool spares;
    /** The JVMs that said hello (built, waiting for their go, or running). */
    private final Set<Child> built = Collections.newSetFromMap(new IdentityHashMap<>());
    /** The JVM training the AOT cache, while it runs. */
    private Child trainer;
    private boolean launching = true;

    Children(int processes, ChildLauncher launcher, ChildLauncher.Events events, SupervisorListener listener,
             CrashPolicy policy, LongSupplier nanos) {
        this.launcher = launcher;
        this.events = events;
        this.listener = listener;
        this.policy = policy;
        this.nanos = nanos;
        long now = nanos.getAsLong();
        this.spares = new SparePool(policy, now);
        for (int i = 0; i < processes; i++) {
            slots.add(new Slot(i, listener, now));
        }
    }

    List<Slot> slots() {
        return slots;
    }

    /** Starts the AOT training JVM if the cache is missing, every slot's JVM, and the spare. */
    void startAll(List<ControlMessage.Suspect> suspects) {
        if (launcher.aotCacheMissing()) {
            try {
                trainer = launcher.launchAotTrainer(events);
                log.info("training the AOT cache for worker JVMs with {}", trainer);
            } catch (IOException e) {
                log.warn("cannot start a JVM to train the AOT cache: {}", e.toString());
            }
        }
        slots.forEach(s -> spawn(s, suspects));
        maybeStartSpare(nanos.getAsLong());
    }

    /** A child said hello: it is built. The AOT trainer has then loaded what the cache should hold: it is stopped. */
    void hello(Child child) {
        built.add(child);
        if (child == trainer) {
            trainer.terminate();
        }
    }

    /** The slot whose running JVM this is, or null (a spare, a successor, the trainer, a JVM already replaced). */
    Slot slotRunning(Child child) {
        int i = child.slot();
        return i >= 0 && i < slots.size() && slots.get(i).current() == child ? slots.get(i) : null;
    }

    /**
     * A child exited: forgets a trainer, spare or successor (and returns null), or returns the
     * slot whose running JVM it was, for the supervisor to decide what follows.
     */
    Slot exited(Child child, int code, long now, boolean running) {
        built.remove(child);
        if (child == trainer) {
            trainer = null;
            launcher.aotTrained();
            log.info("the AOT cache training JVM exited {}; the cache is {}", ExitCodes.describe(code),
                    launcher.aotCacheMissing() ? "missing (worker JVMs start without it)" : "ready");
            return null;
        }
        if (spares.exited(child, now)) {
            if (running) {
                log.warn("the spare worker JVM {} exited {}", child, ExitCodes.describe(code));
            }
            return null;
        }
        int i = child.slot();
        if (i < 0 || i >= slots.size()) {
            return null;
        }
        Slot slot = slots.get(i);
        if (slot.leaving.remove(child)) {
            if (code != ExitCodes.RECYCLE) {
                log.warn("slot-{} {} exited {} after it had handed over (committed and closed)", slot.index, child,
                        ExitCodes.describe(code));
            }
            return null;
        }
        if (child == slot.successor) {
            slot.successor = null;
            log.warn("slot-{} successor {} exited {} before it started", slot.index, child, ExitCodes.describe(code));
            return null;
        }
        return child == slot.current() ? slot : null;
    }

    /**
     * Gives a slot that asked to recycle its successor: the spare if there is one. If another
     * slot took it, the slot waits for the next spare, which starts once no recycle is under way:
     * a JVM starting on a machine's few cores would slow the recycle under way (its successor's
     * rejoin and first jobs) more than the wait costs.
     */
    void prepareSuccessor(Slot slot) {
        if (slot.successor == null) {
            slot.successor = takeSpare(slot);
        }
    }

    /**
     * A slot will ask to recycle soon: it takes the spare now if the spare is built (and no other
     * slot took it), so that its successor builds its worker and connects before the drain.
     * Returns whether it did.
     */
    boolean prepareAhead(Slot slot) {
        Child spare = spares.peek();
        if (slot.successor != null || spare == null || !built.contains(spare)) {
            return false;
        }
        slot.successor = takeSpare(slot);
        return slot.successor != null;
    }

    /**
     * Whether the slot may go now: its successor said hello. A slot without one takes the spare
     * once the spare has said hello (taken earlier, the next spare would start at once, and two
     * JVMs would start together).
     */
    boolean successorReady(Slot slot) {
        if (slot.successor == null) {
            Child spare = spares.peek();
            if (spare == null || !built.contains(spare)) {
                return false;
            }
            slot.successor = takeSpare(slot);
        }
        return slot.successor != null && built.contains(slot.successor);
    }

    /**
     * Whether a slot's successor is still starting (taken before it said hello): a spare started
     * now would start beside it, and two JVMs starting at once slow the working ones twice as much.
     */
    boolean successorStarting() {
        return slots.stream().anyMatch(s -> s.successor != null && s.successor.alive() && !built.contains(s.successor));
    }

    /** Puts the successor, the spare or a new JVM in a slot that has lost its JVM, and tells it to go. */
    void replace(Slot slot, List<ControlMessage.Suspect> suspects) {
        Child next = slot.successor != null && slot.successor.alive() ? slot.successor : takeSpare(slot);
        slot.successor = null;
        if (next != null) {
            go(slot, next, suspects);
        } else {
            spawn(slot, suspects);
        }
    }

    /** A slot in a crash backoff needs no successor. */
    void dropSuccessor(Slot slot) {
        if (slot.successor != null) {
            slot.successor.kill();
            slot.successor = null;
        }
    }

    /** Starts a JVM in every slot whose backoff has passed. */
    void respawnDue(long now, List<ControlMessage.Suspect> suspects) {
        for (Slot s : slots) {
            if (s.respawnDue(now)) {
                spawn(s, suspects);
            }
        }
    }

    void maybeStartSpare(long now) {
        if (launching && spares.due(now)) {
            spares.started(launch(-1, 0), now);
        }
    }

    void everyChild(Consumer<Child> action) {
        for (Slot s : slots) {
            if (s.current() != null) {
                action.accept(s.current());
            }
            if (s.successor != null) {
                action.accept(s.successor);
            }
            s.leaving.forEach(action);
        }
        if (spares.peek() != null) {
            action.accept(spares.peek());
        }
        if (trainer != null) {
            action.accept(trainer);
        }
    }

    /** From now on no JVM is started. */
    void stopLaunching() {
        launching = false;
    }

    /** SIGKILL to every child still alive; true if there was one. */
    boolean killRemaining() {
        boolean[] any = {false};
        everyChild(c -> {
            if (c.alive()) {
                log.warn("{} did not stop within the grace period; killing it", c);
                any[0] = true;
                c.kill();
            }
        });
        return any[0];
    }

    boolean allGone() {
        boolean[] any = {false};
        everyChild(c -> any[0] = true);
        return !any[0];
    }

    /** A new JVM for the slot, told to go at once; on failure the slot is DOWN and tried again after a backoff. */
    private void spawn(Slot slot, List<ControlMessage.Suspect> suspects) {
        Child child = launch(slot.index, ++slot.generation);
        if (child != null) {
            go(slot, child, suspects);
        } else if (launching) {
            slot.consecutiveCrashes++;
            slot.respawnAt(nanos.getAsLong() + policy.backoff(Math.max(2, slot.consecutiveCrashes)).toNanos());
        }
    }

    private void go(Slot slot, Child child, List<ControlMessage.Suspect> suspects) {
        slot.started(child, nanos.getAsLong());
        child.send(new ControlMessage.Suspects(suspects));
        child.send(new ControlMessage.Go(slot.index));
    }

    /** The spare, put to work in this slot; null when there is none. */
    private Child takeSpare(Slot slot) {
        Child taken = launching ? spares.take() : null;
        if (taken != null) {
            taken.assign(slot.index, ++slot.generation);
            log.info("slot-{} takes the spare {}", slot.index, taken);
            // A spare taken is this slot's for good (it goes here or is killed): it may build its clients now.
            taken.send(new ControlMessage.Prepare(slot.index));
            listener.started(slot.index, slot.generation, taken.pid());
        }
        return taken;
    }

    private Child launch(int slot, int generation) {
        if (!launching) {
            return null;
        }
        try {
            Child child = launcher.launch(slot, generation, events);
            log.info("{} started {}", ChildLogs.label(slot), child);
            if (slot >= 0) {
                listener.started(slot, generation, child.pid());
            }
            return child;
        } catch (IOException e) {
            log.error("{} cannot start a worker JVM: {}", ChildLogs.label(slot), e.toString());
            return null;
        }
    }
}
