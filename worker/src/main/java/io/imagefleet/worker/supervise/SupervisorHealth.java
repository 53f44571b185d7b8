package io.imagefleet.worker.supervise;

import io.imagefleet.worker.health.Health;
import io.imagefleet.worker.health.HealthCheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The pod's health as the supervisor sees it. Not live when a consuming worker JVM's poll loop has
 * not turned for the liveness timeout (its heartbeats stopped, or say it is stuck: a JVM stopped
 * with SIGSTOP, a deadlock, a GC spiral), when a slot has had no worker JVM at all for that long
 * (a crash loop in backoff, JVMs that cannot start), or when the supervisor's own thread has not
 * gone round for that long. A draining JVM is not judged (it is on its way out) and a stopping
 * supervisor stays live, so Kubernetes never kills a pod that is draining. Ready while running
 * with at least one worker JVM consuming that has partitions, or has joined a group with none to
 * give it. Thread-safe: reads the supervisor's published status.
 */
public final class SupervisorHealth implements HealthCheck {
    private final Supervisor supervisor;
    private final Duration timeout;
    private final LongSupplier nanos;

    public SupervisorHealth(Supervisor supervisor, Duration timeout, LongSupplier nanos) {
        this.supervisor = supervisor;
        this.timeout = timeout;
        this.nanos = nanos;
    }

    @Override
    public Health live() {
        List<SlotStatus> slots = supervisor.slots();
        List<String> problems = new ArrayList<>();
        Supervisor.State state = supervisor.state();
        if (state == Supervisor.State.STARTING || state == Supervisor.State.RUNNING) {
            long tickAge = nanos.getAsLong() - supervisor.lastTickNanos();
            if (tickAge > timeout.toNanos()) {
                problems.add("the supervisor's thread has not gone round for " + Duration.ofNanos(tickAge).toSeconds()
                        + " s" + limit());
            }
            for (SlotStatus s : slots) {
                SlotStatus.Liveness h = s.health();
                if (h.consuming() && h.pollAgeMs() > timeout.toMillis()) {
                    problems.add("slot-" + s.slot() + " (pid " + s.pid() + "): its poll loop has not turned for "
                            + h.pollAgeMs() / 1000 + " s" + limit());
                } else if (h.downForMs() > timeout.toMillis()) {
                    problems.add("slot-" + s.slot() + " has had no worker JVM for " + h.downForMs() / 1000 + " s ("
                            + h.consecutiveCrashes() + " crashes in a row)" + limit());
                }
            }
        }
        return Health.of(problems, details(slots));
    }

    @Override
    public Health ready() {
        List<SlotStatus> slots = supervisor.slots();
        List<String> problems = new ArrayList<>();
        if (supervisor.state() != Supervisor.State.RUNNING) {
            problems.add("the supervisor is " + supervisor.state().name().toLowerCase(java.util.Locale.ROOT));
        } else if (slots.stream().map(SlotStatus::health).noneMatch(h -> h.consuming()
                && (h.heldPartitions() > 0 || h.joined()))) {
            problems.add("no worker JVM is consuming with partitions yet (nor has one joined a group with none to give)");
        }
        return Health.of(problems, details(slots));
    }

    private String limit() {
        return " (limit " + timeout.toSeconds() + " s, IMAGEFLEET_LIVENESS_TIMEOUT)";
    }

    private static List<Map<String, Object>> details(List<SlotStatus> slots) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SlotStatus s : slots) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("slot", s.slot());
            m.put("pid", s.pid());
            m.put("generation", s.generation());
            m.put("consuming", s.health().consuming());
            m.put("pollAgeMs", s.health().pollAgeMs());
            m.put("partitions", s.partitions());
            m.put("joined", s.health().joined());
            m.put("inFlight", s.inFlight());
            m.put("answered", s.answered());
            m.put("downForMs", s.health().downForMs());
            m.put("consecutiveCrashes", s.health().consecutiveCrashes());
            out.add(m);
        }
        return out;
    }
}
