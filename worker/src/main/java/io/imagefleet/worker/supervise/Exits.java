package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ExitCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows when a slot's running JVM goes, while the supervisor runs: after a recycle its
 * successor takes over at once (on its {@code exiting} message or at its exit); after a clean
 * exit nobody asked for, the spare or a new JVM; after a crash, the {@link Crashes} decide
 * between at once and a backoff. Touched only by the supervisor's thread.
 */
final class Exits {
    private static final Logger log = LoggerFactory.getLogger(Exits.class);

    private final Children children;
    private final Recycles recycles;
    private final Crashes crashes;
    /** Tells every child the suspects after they changed. */
    private final Runnable suspectsChanged;

    Exits(Children children, Recycles recycles, Crashes crashes, Runnable suspectsChanged) {
        this.children = children;
        this.recycles = recycles;
        this.crashes = crashes;
        this.suspectsChanged = suspectsChanged;
    }

    /** The slot's running JVM exited with {@code code}. */
    void exited(Slot slot, Child child, int code, long now) {
        if (code == ExitCodes.RECYCLE || code == ExitCodes.OK) {
            clean(slot, child, code, now);
        } else {
            crash(slot, child, code, now);
        }
    }

    /**
     * The slot's draining JVM said {@code exiting}: it has committed and closed its clients, so
     * its successor goes now; the old JVM is the slot's leaving one until it exits.
     */
    void handOver(Slot slot, Child child, long now) {
        log.info("slot-{} {} has committed and closed its clients; its successor goes now", slot.index, child);
        clean(slot, child, ExitCodes.RECYCLE, now);
        slot.leaving.add(child);
    }

    private void clean(Slot slot, Child child, int code, long now) {
        if (!slot.inFlight.isEmpty()) {
            log.warn("slot-{} exited {} with {} records unfinished; they were not committed and will be delivered again",
                    slot.index, ExitCodes.describe(code), slot.inFlight.size());
        }
        boolean recycled = recycles.exitedClean(slot, now);
        if (!recycled) {
            log.warn("slot-{} {} exited {} on its own; starting another", slot.index, child, ExitCodes.describe(code));
        }
        slot.exited(now);
        children.replace(slot, crashes.suspects());
        if (recycled) {
            recycles.replaced(slot, now);
        }
    }

    private void crash(Slot slot, Child child, int code, long now) {
        CrashRecord crash = crashes.crashed(slot, child, code, now);
        if (!crash.inFlight().isEmpty()) {
            suspectsChanged.run();
        }
        recycles.crashed(slot, now);
        slot.exited(now);
        if (crash.respawn().isZero()) {
            children.replace(slot, crashes.suspects());
        } else {
            children.dropSuccessor(slot);
            slot.respawnAt(now + crash.respawn().toNanos());
        }
    }
}
