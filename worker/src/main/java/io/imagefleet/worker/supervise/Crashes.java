package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.control.JobRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What the supervisor makes of worker JVMs that die without being told to: when the slot gets its
 * next JVM ({@link CrashPolicy}), and which records become suspects or are given up on
 * ({@link CrashLedger}). Reports each crash to the listener. Touched only by the supervisor's thread.
 */
final class Crashes {
    private static final Logger log = LoggerFactory.getLogger(Crashes.class);

    private final CrashPolicy policy;
    private final CrashLedger ledger;
    private final SupervisorListener listener;
    private final Clock clock;

    Crashes(CrashPolicy policy, CrashLedger ledger, SupervisorListener listener, Clock clock) {
        this.policy = policy;
        this.ledger = ledger;
        this.listener = listener;
        this.clock = clock;
    }

    /** The slot's JVM died with {@code code}: counts it, marks its records in flight as suspects, and says when to respawn. */
    CrashRecord crashed(Slot slot, Child child, int code, long now) {
        Duration uptime = Duration.ofNanos(now - child.startedNanos());
        List<JobRef> inFlight = List.copyOf(slot.inFlight.values());
        List<JobRef> uncommitted = List.copyOf(slot.uncommitted.values());
        slot.consecutiveCrashes = policy.consecutive(slot.consecutiveCrashes, uptime);
        Duration delay = policy.backoff(slot.consecutiveCrashes);
        log.error("slot-{} {} died: exit {} after {} s with {} records in flight {}; respawning {}", slot.index, child,
                ExitCodes.describe(code), uptime.toSeconds(), inFlight.size(), inFlight,
                delay.isZero() ? "now" : "in " + delay.toMillis() + " ms");
        CrashRecord record = new CrashRecord(slot.index, code, inFlight, uncommitted, clock.instant(), uptime, delay);
        ledger.crashed("slot-" + slot.index + " exit " + ExitCodes.describe(code), inFlight);
        listener.crashed(record);
        return record;
    }

    /** A record was answered; true when it was a suspect (the list changed). */
    boolean answered(JobRef job) {
        return ledger.answered(job);
    }

    List<ControlMessage.Suspect> suspects() {
        return ledger.suspects();
    }
}
