package io.imagefleet.worker.health;

import io.imagefleet.worker.consume.ConsumerLoop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The health of a worker that runs on its own (no supervisor). Live while its consumer loop keeps
 * turning (a loop that has not started counts from the worker's start, and a draining or stopped
 * one is on its way out, which is not a failure); ready while the loop runs and has partitions or
 * has joined a group with none to give it. Thread-safe.
 */
public final class WorkerHealth implements HealthCheck {
    private final Supplier<ConsumerLoop.State> state;
    private final PollClock poll;
    private final IntSupplier partitions;
    private final BooleanSupplier joined;
    private final Duration timeout;
    private final LongSupplier nanos;
    private final long startNanos;

    /**
     * @param state      the loop's state (STARTING until the loop exists)
     * @param partitions partitions the loop holds
     * @param joined     whether the consumer has completed a join of its group
     * @param timeout    {@code IMAGEFLEET_LIVENESS_TIMEOUT}
     */
    public WorkerHealth(Supplier<ConsumerLoop.State> state, PollClock poll, IntSupplier partitions, BooleanSupplier joined,
                        Duration timeout, LongSupplier nanos) {
        this.state = state;
        this.poll = poll;
        this.partitions = partitions;
        this.joined = joined;
        this.timeout = timeout;
        this.nanos = nanos;
        this.startNanos = nanos.getAsLong();
    }

    @Override
    public Health live() {
        ConsumerLoop.State s = state.get();
        long age = poll.ageNanos().orElse(nanos.getAsLong() - startNanos);
        List<String> problems = new ArrayList<>();
        long stalled = poll.stalledNanos();
        if (s == ConsumerLoop.State.RUNNING && stalled > 0) {
            problems.add("the consumer loop holds " + poll.inFlight() + " job(s) and has started or finished none for "
                    + Duration.ofNanos(stalled).toSeconds() + " s, longer than any job may take");
        } else if ((s == ConsumerLoop.State.STARTING || s == ConsumerLoop.State.RUNNING) && age > timeout.toNanos()) {
            problems.add("the consumer loop has not " + (poll.ageNanos().isPresent() ? "turned" : "started") + " for "
                    + Duration.ofNanos(age).toSeconds() + " s (limit " + timeout.toSeconds()
                    + " s, IMAGEFLEET_LIVENESS_TIMEOUT)");
        }
        return Health.of(problems, List.of(details(s, age)));
    }

    @Override
    public Health ready() {
        ConsumerLoop.State s = state.get();
        List<String> problems = new ArrayList<>();
        if (s != ConsumerLoop.State.RUNNING) {
            problems.add("the consumer loop is " + s.name().toLowerCase(java.util.Locale.ROOT));
        } else if (partitions.getAsInt() == 0 && !joined.getAsBoolean()) {
            problems.add("the consumer has not joined its group yet");
        }
        return Health.of(problems, List.of(details(s, poll.ageNanos().orElse(-1_000_000))));
    }

    private Map<String, Object> details(ConsumerLoop.State s, long ageNanos) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", ProcessHandle.current().pid());
        m.put("state", s.name().toLowerCase(java.util.Locale.ROOT));
        m.put("pollAgeMs", ageNanos / 1_000_000);
        m.put("partitions", partitions.getAsInt());
        m.put("joined", joined.getAsBoolean());
        return m;
    }
}
