package io.imagefleet.worker.health;

import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.consume.PartitionRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerHealthTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicReference<ConsumerLoop.State> state = new AtomicReference<>(ConsumerLoop.State.STARTING);
    private final AtomicInteger partitions = new AtomicInteger();
    private final AtomicBoolean joined = new AtomicBoolean();
    private final PollClock poll = new PollClock(now::get);
    private final WorkerHealth health = new WorkerHealth(state::get, poll, partitions::get, joined::get,
            Duration.ofSeconds(30), now::get);

    @Test
    void live_loopStopsTurning_downPastTheTimeoutAndUpAgainWhenItTurns() {
        state.set(ConsumerLoop.State.RUNNING);
        poll.turned();
        advance(Duration.ofSeconds(29));
        assertThat(health.live().up()).isTrue();

        advance(Duration.ofSeconds(2));
        Health down = health.live();
        assertThat(down.up()).isFalse();
        assertThat(down.problems()).containsExactly(
                "the consumer loop has not turned for 31 s (limit 30 s, IMAGEFLEET_LIVENESS_TIMEOUT)");

        poll.turned();
        assertThat(health.live().up()).isTrue();
    }

    /**
     * Issue 19: four jobs whose answers never landed paused every partition of a JVM; its loop
     * kept turning, so /health/live said 200 while it served nothing for 90 s.
     */
    @Test
    void live_loopTurnsButHoldsJobsWithoutProgressPastTheLimit_isDown() {
        state.set(ConsumerLoop.State.RUNNING);
        poll.stallAfter(Duration.ofSeconds(60));
        poll.jobStarted(new PartitionRef("jobs", 0), 4, "stalled");
        advance(Duration.ofSeconds(59));
        poll.turned();
        assertThat(health.live().up()).isTrue();

        advance(Duration.ofSeconds(2));
        poll.turned();
        Health down = health.live();

        assertThat(down.up()).isFalse();
        assertThat(down.problems()).singleElement().asString().contains("holds 1 job(s)").contains("none for 61 s");
        assertThat(poll.ageNanos()).as("what the supervisor's heartbeat reports").hasValue(Duration.ofSeconds(61).toNanos());
        poll.jobEnded(new PartitionRef("jobs", 0), 4, "stalled",
                io.imagefleet.worker.consume.LoopListener.Outcome.ANSWERED);
        assertThat(health.live().up()).isTrue();
    }

    @Test
    void live_drainingLoop_isNotJudged() {
        state.set(ConsumerLoop.State.DRAINING);
        advance(Duration.ofMinutes(5));

        assertThat(health.live().up()).isTrue();
    }

    @Test
    void ready_runningWithPartitionsOrJoinedEmpty_isReady() {
        assertThat(health.ready().problems()).containsExactly("the consumer loop is starting");
        state.set(ConsumerLoop.State.RUNNING);
        assertThat(health.ready().problems()).containsExactly("the consumer has not joined its group yet");

        joined.set(true);
        assertThat(health.ready().up()).as("joined, with no partition to get").isTrue();
        joined.set(false);
        partitions.set(2);
        assertThat(health.ready().up()).isTrue();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
