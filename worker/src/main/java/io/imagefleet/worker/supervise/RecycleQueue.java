package io.imagefleet.worker.supervise;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

/**
 * The slots that asked to recycle, in the order they asked, and the one recycle under way. Only
 * one slot recycles at a time: from its grant until its new JVM has partitions back (or
 * {@link #REJOIN_WAIT} has passed, or it crashed), and the next is let go no sooner than the
 * minimum gap after. So sibling JVMs never leave the group together. Touched only by the
 * supervisor's thread.
 */
final class RecycleQueue {
    /** A recycle that gets no partitions back within this blocks the next one no longer; past it a slot counts as idle. */
    static final Duration REJOIN_WAIT = Duration.ofSeconds(30);

    private final Deque<Slot> waiting = new ArrayDeque<>();
    private final long minGapNanos;
    private Slot recycling;
    private long lastEndNanos;
    /** When the slot under way lost its old JVM, or -1 while it still drains. */
    private long rejoinFromNanos = -1;

    RecycleQueue(Duration minGap, long now) {
        this.minGapNanos = minGap.toNanos();
        this.lastEndNanos = now - minGapNanos;
    }

    void add(Slot slot) {
        if (!waiting.contains(slot)) {
            waiting.add(slot);
        }
    }

    void remove(Slot slot) {
        waiting.remove(slot);
    }

    /**
     * The slot to let go now, taken off the queue: the first that still asks and whose successor
     * is {@code ready}, once no recycle is under way and the gap has passed; null when none.
     */
    Slot next(long now, Predicate<Slot> ready) {
        if (recycling != null || now - lastEndNanos < minGapNanos) {
            return null;
        }
        waiting.removeIf(s -> s.state() != SlotState.RECYCLE_ASKED);
        for (Slot s : waiting) {
            if (ready.test(s)) {
                waiting.remove(s);
                return s;
            }
        }
        return null;
    }

    /** The slot was let go: its recycle is under way. */
    void begin(Slot slot) {
        recycling = slot;
        rejoinFromNanos = -1;
    }

    boolean underWay(Slot slot) {
        return recycling == slot;
    }

    boolean busy() {
        return recycling != null;
    }

    /** The recycling slot's old JVM is gone: its new one rejoins from now. */
    void oldGone(Slot slot, long now) {
        if (recycling == slot) {
            rejoinFromNanos = now;
        }
    }

    /** The slot's new JVM has partitions, or the slot crashed: the next recycle may follow after the gap. */
    void end(Slot slot, long now) {
        if (recycling == slot) {
            recycling = null;
            rejoinFromNanos = -1;
            lastEndNanos = now;
        }
    }

    /** The slot whose new JVM got no partitions within {@link #REJOIN_WAIT}, or null. */
    Slot rejoinOverdue(long now) {
        return recycling != null && rejoinFromNanos >= 0 && now - rejoinFromNanos > REJOIN_WAIT.toNanos() ? recycling : null;
    }
}
