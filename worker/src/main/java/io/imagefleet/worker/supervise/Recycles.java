package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The supervisor's recycles, from a slot's ask to its new JVM's first job: queues the ask, lets
 * one slot go at a time when its successor is ready, times the drain, the rejoin and the gap
 * between the slot's jobs, and reports each finished recycle to the listener (and in a log line
 * the bench reads). Touched only by the supervisor's thread.
 */
final class Recycles {
    private static final Logger log = LoggerFactory.getLogger(Recycles.class);
    /** How long a recycle waits for its successor to be built before letting the old JVM go anyway. */
    static final Duration SUCCESSOR_WAIT = Duration.ofSeconds(60);
    /**
     * How long after a recycled slot's old JVM is gone a new spare waits for the slot's first job
     * (an idle fleet has none to start).
     */
    static final Duration FIRST_JOB_WAIT = Duration.ofSeconds(5);
    /**
     * How long a slot that said it will recycle soon (its successor taken ahead) keeps the next
     * spare from starting while its request has not come (an idle fleet may never send it).
     */
    static final Duration SOON_WAIT = Duration.ofSeconds(30);

    private final RecycleQueue queue;
    private final SupervisorListener listener;
    private final Clock clock;
    /** Slots whose new JVM took over after a recycle and has not started a job yet. */
    private final Set<Slot> settling = new HashSet<>();
    /** Slots whose successor was taken ahead of their request, and since when. */
    private final Map<Slot, Long> soon = new HashMap<>();

    Recycles(RecycleQueue queue, SupervisorListener listener, Clock clock) {
        this.queue = queue;
        this.listener = listener;
        this.clock = clock;
    }

    /** The slot's JVM will ask to recycle soon and its successor was taken for it now. */
    void soon(Slot slot, long now) {
        soon.put(slot, now);
        log.info("slot-{} will ask to recycle soon; its successor prepares now", slot.index);
    }

    /** The slot's JVM asks to recycle: it keeps working, queued, until it is let go. */
    void asked(Slot slot, ControlMessage.RecycleRequest m, long now) {
        soon.remove(slot);
        if (slot.recycle != null) {
            finish(slot, null);
        }
        slot.recycleAsked(new SlotRecycle(m.reason(), m.detail(), now));
        queue.add(slot);
        log.info("slot-{} asks to recycle: {} ({})", slot.index, m.reason(), m.detail());
    }

    /** Lets the next queued slot go, if one may go now and its successor is {@code ready}. */
    void maybeGrant(long now, Predicate<Slot> ready) {
        Slot slot = queue.next(now, ready);
        if (slot == null) {
            return;
        }
        queue.begin(slot);
        slot.recycle.granted(now, clock.instant());
        slot.granted();
        log.info("slot-{} recycles now: {}", slot.index, slot.recycle.reason);
        slot.current().send(new ControlMessage.RecycleGrant());
        listener.recycling(slot.index, slot.recycle.reason, slot.recycle.detail);
    }

    /** Whether a slot's successor is built, or has been awaited long enough that the slot goes without it. */
    static boolean successorWaitOver(Slot slot, long now) {
        if (now - slot.recycle.askedNanos > SUCCESSOR_WAIT.toNanos()) {
            log.warn("slot-{} successor said nothing within {} s; recycling without waiting for it", slot.index,
                    SUCCESSOR_WAIT.toSeconds());
            return true;
        }
        return false;
    }

    /** The slot's JVM exited with a clean code (before its successor takes over); true when that was its recycle. */
    boolean exitedClean(Slot slot, long now) {
        if (slot.state() == SlotState.DRAINING) {
            slot.recycle.oldExited(now, slot.answered, slot.lastAnsweredNanos);
            return true;
        }
        dropUnfinished(slot, now);
        return false;
    }

    /** The slot's new JVM has its go after a recycle: the rejoin starts. */
    void replaced(Slot slot, long now) {
        queue.oldGone(slot, now);
        if (slot.recycle != null) {
            settling.add(slot);
        }
    }

    /** The slot's JVM reported partitions: after a recycle, the rejoin is over. */
    void assigned(Slot slot, long now) {
        if (queue.underWay(slot) && slot.recycle != null && slot.recycle.oldGone()) {
            slot.recycle.rejoined(now);
            queue.end(slot, now);
        }
    }

    /** The slot's JVM started a job: after a recycle, the gap between the slot's jobs is closed. */
    void jobStarted(Slot slot, long now) {
        SlotRecycle r = slot.recycle;
        if (r != null && r.oldGone()) {
            // Past the rejoin wait the slot was idle rather than recycling: no gap to speak of.
            boolean busy = now - r.exitNanos() < RecycleQueue.REJOIN_WAIT.toNanos();
            // From the grant when the old JVM had run out of jobs before it: idle then for want of work, not recycling.
            finish(slot, busy ? Duration.ofNanos(now - Math.max(r.lastJobNanos(), r.grantedNanos())) : null);
        }
    }

    /** The slot's JVM crashed: its recycle, if any, is over. */
    void crashed(Slot slot, long now) {
        soon.remove(slot);
        dropUnfinished(slot, now);
    }

    /** Ends a recycle whose new JVM got no partitions in time, so that the next may go. */
    void maintain(long now) {
        Slot overdue = queue.rejoinOverdue(now);
        if (overdue != null) {
            log.warn("slot-{} got no partitions within {} s of its recycle; letting the next one go", overdue.index,
                    RecycleQueue.REJOIN_WAIT.toSeconds());
            queue.end(overdue, now);
        }
    }

    /**
     * Whether a recycle is under way or about to be: a slot draining or rejoining, a new JVM that
     * took over a slot and has not started its first job yet (for at most {@link #FIRST_JOB_WAIT}),
     * or a slot that said it will ask soon (for at most {@link #SOON_WAIT}): a JVM started now
     * (the next spare) would take the cores that the drain and the new JVM need.
     */
    boolean underWay(long now) {
        return queue.busy() || settling.stream().anyMatch(s -> s.recycle != null && s.recycle.oldGone()
                && now - s.recycle.exitNanos() < FIRST_JOB_WAIT.toNanos())
                || soon.values().stream().anyMatch(since -> now - since < SOON_WAIT.toNanos());
    }

    /** The supervisor stopped: a recycle whose new JVM never started a job is reported without a gap. */
    void stopped(Slot slot) {
        if (slot.recycle != null && slot.recycle.oldGone()) {
            finish(slot, null);
        }
    }

    private void dropUnfinished(Slot slot, long now) {
        queue.end(slot, now);
        queue.remove(slot);
        if (slot.recycle != null && slot.recycle.oldGone()) {
            finish(slot, null);
        }
        slot.recycle = null;
    }

    private void finish(Slot slot, Duration gap) {
        settling.remove(slot);
        RecycleRecord record = slot.recycle.record(slot.index, gap);
        slot.recycle = null;
        // The bench reads this line (RecycleLog): keep its words.
        log.info("slot-{} recycled ({}): drained in {} ms, rejoined in {} ms, gap between jobs {} ms", slot.index,
                record.reason(), record.drain().toMillis(), record.rejoin() == null ? "?" : record.rejoin().toMillis(),
                record.gap() == null ? "?" : record.gap().toMillis());
        listener.recycled(record);
    }
}
