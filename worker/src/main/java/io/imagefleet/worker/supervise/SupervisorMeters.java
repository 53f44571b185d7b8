package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.metrics.FleetMeter;
import io.imagefleet.worker.recycle.RecycleReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The supervisor's meters: recycles by slot and reason with their drain, rejoin and gap times,
 * crashes by slot and cause, and, per slot, its {@link SlotState}, whether a worker JVM consumes
 * and how long since its poll loop turned; plus the supervisor's state and the suspect records. Every slot, reason and
 * cause is registered up front. Hears the supervisor as its {@link SupervisorListener} (on the
 * supervisor's thread); gauges read the supervisor's published status. Thread-safe.
 */
public final class SupervisorMeters implements SupervisorListener {
    private static final String OTHER = "other";

    private final MeterRegistry registry;
    private final Map<String, Counter> recycles = new HashMap<>();
    private final Map<String, Counter> crashes = new HashMap<>();

    public SupervisorMeters(MeterRegistry registry, int slots) {
        this.registry = registry;
        for (int slot = 0; slot < slots; slot++) {
            String s = Integer.toString(slot);
            for (RecycleReason r : RecycleReason.values()) {
                recycles.put(s + "/" + tag(r), FleetMeter.RECYCLES.counter(registry, s, tag(r)));
            }
            for (String cause : ExitCodes.CAUSES) {
                crashes.put(s + "/" + cause, FleetMeter.CRASHES.counter(registry, s, cause));
            }
        }
        // Registered up front too, so the histograms are there before the first recycle.
        for (String phase : new String[] {"drain", "rejoin", "gap"}) {
            FleetMeter.RECYCLE_DURATION.timer(registry, phase);
        }
    }

    /** Exports the supervisor's state and, per slot, its state, whether it consumes and its poll age. */
    public void bind(Supervisor supervisor, int slots) {
        for (Supervisor.State st : Supervisor.State.values()) {
            FleetMeter.SUPERVISOR_STATE.gauge(registry, supervisor, s -> s.state() == st ? 1 : 0,
                    st.name().toLowerCase(Locale.ROOT));
        }
        FleetMeter.SUSPECTS.gauge(registry, supervisor, Supervisor::suspectCount);
        for (int slot = 0; slot < slots; slot++) {
            int index = slot;
            FleetMeter.SLOT_UP.gauge(registry, supervisor,
                    s -> liveness(s, index).map(l -> l.consuming() ? 1.0 : 0.0).orElse(0.0), Integer.toString(slot));
            for (SlotState st : SlotState.values()) {
                FleetMeter.SLOT_STATE.gauge(registry, supervisor,
                        s -> slot(s, index).map(x -> x.state() == st ? 1.0 : 0.0).orElse(0.0), Integer.toString(slot),
                        st.tagValue());
            }
            FleetMeter.POLL_AGE.gauge(registry, supervisor,
                    s -> liveness(s, index).filter(SlotStatus.Liveness::consuming).map(l -> l.pollAgeMs() / 1000.0)
                            .orElse(Double.NaN), Integer.toString(slot));
        }
    }

    private static Optional<SlotStatus.Liveness> liveness(Supervisor s, int slot) {
        return slot(s, slot).map(SlotStatus::health);
    }

    private static Optional<SlotStatus> slot(Supervisor s, int slot) {
        return s.slots().stream().filter(st -> st.slot() == slot).findFirst();
    }

    @Override
    public void recycled(RecycleRecord record) {
        recycles.get(record.slot() + "/" + tag(record.reason())).increment();
        time("drain", record.drain());
        time("rejoin", record.rejoin());
        time("gap", record.gap());
    }

    /** The {@code reason} tag: the wire name, or {@code other} for a reason this side does not know. */
    private static String tag(RecycleReason reason) {
        return reason == RecycleReason.UNKNOWN ? OTHER : reason.wireName();
    }

    @Override
    public void crashed(CrashRecord record) {
        crashes.get(record.slot() + "/" + ExitCodes.cause(record.exitCode())).increment();
    }

    private void time(String phase, Duration d) {
        if (d != null) {
            FleetMeter.RECYCLE_DURATION.timer(registry, phase).record(d);
        }
    }
}
