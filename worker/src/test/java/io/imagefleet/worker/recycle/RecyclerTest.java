package io.imagefleet.worker.recycle;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RecyclerTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> asked = new ArrayList<>();
    private final AtomicInteger drains = new AtomicInteger();

    private Recycler recycler(RecyclePolicy policy, RecycleGate gate) {
        Recycler r = new Recycler(policy, gate, timer, () -> 0.5, () -> 0);
        r.start(drains::incrementAndGet);
        return r;
    }

    private RecycleGate recordingGate(List<Runnable> grants) {
        return (reason, detail, grant) -> {
            asked.add(reason.wireName() + ": " + detail);
            grants.add(grant);
        };
    }

    @Test
    void jobFinished_reachesLimit_asksOnceAndDrainsOnlyWhenGranted() {
        List<Runnable> grants = new ArrayList<>();
        Recycler r = recycler(new RecyclePolicy(3, 0, 0, Duration.ZERO, 0), recordingGate(grants));

        r.jobFinished();
        r.jobFinished();
        assertThat(asked).isEmpty();
        r.jobFinished();
        r.jobFinished();

        assertThat(asked).containsExactly("max-jobs: 3 jobs done (limit 3)");
        assertThat(drains).hasValue(0);
        grants.get(0).run();
        grants.get(0).run();
        assertThat(drains).hasValue(1);
        assertThat(r.granted()).isTrue();
        assertThat(r.reason()).contains(RecycleReason.MAX_JOBS);
    }

    @Test
    void jobFinished_nearTheLimit_saysSoonOnceBeforeAsking() {
        List<String> said = new ArrayList<>();
        RecycleGate gate = new RecycleGate() {
            @Override
            public void ask(RecycleReason reason, String detail, Runnable grant) {
                said.add("ask");
            }

            @Override
            public void soon() {
                said.add("soon");
            }
        };
        Recycler r = recycler(new RecyclePolicy(50, 0, 0, Duration.ZERO, 0), gate);

        for (int i = 0; i < 39; i++) {
            r.jobFinished();
        }
        assertThat(said).as("a fifth of the limit before it").isEmpty();
        r.jobFinished();
        assertThat(said).containsExactly("soon");
        for (int i = 0; i < 10; i++) {
            r.jobFinished();
        }
        assertThat(said).containsExactly("soon", "ask");
        assertThat(Recycler.soonMargin(1000)).as("at most 50 jobs ahead").isEqualTo(50);
        assertThat(Recycler.soonMargin(3)).isZero();
        assertThat(Recycler.ageLead(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(10));
        assertThat(Recycler.ageLead(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void jobLimit_withJitter_variesWithinTheFractionEitherWay() {
        RecyclePolicy policy = new RecyclePolicy(1000, 0, 0, Duration.ofMinutes(10), 0.1);

        assertThat(policy.jobLimit(() -> 0.0)).isEqualTo(900);
        assertThat(policy.jobLimit(() -> 0.5)).isEqualTo(1000);
        assertThat(policy.jobLimit(() -> 0.9999)).isEqualTo(1100);
        assertThat(policy.ageLimit(() -> 0.0)).isEqualTo(Duration.ofMinutes(9));
        assertThat(new RecyclePolicy(1, 0, 0, Duration.ZERO, 0.5).jobLimit(() -> 0.0)).isEqualTo(1);
        assertThat(RecyclePolicy.NEVER.jobLimit(() -> 0.3)).isZero();
    }

    @Test
    void start_maxAge_asksWhenTheAgeIsReached() {
        recycler(new RecyclePolicy(0, 0, 0, Duration.ofMillis(50), 0), RecycleGate.IMMEDIATE);

        await().atMost(Duration.ofSeconds(5)).until(() -> drains.get() == 1);
    }

    @Test
    void start_rssLimitBelowCurrentRss_asksForRss() {
        List<Runnable> grants = new ArrayList<>();
        recycler(new RecyclePolicy(0, 0, 1 << 20, Duration.ZERO, 0), recordingGate(grants));

        await().atMost(Duration.ofSeconds(5)).until(() -> !asked.isEmpty());
        assertThat(asked.get(0)).startsWith("rss: RSS ").endsWith("bytes over the limit of 1048576");
    }

    @Test
    void jobStuck_asksForStuckJobWithTheJobInTheDetail() {
        List<Runnable> grants = new ArrayList<>();
        Recycler r = recycler(RecyclePolicy.NEVER, recordingGate(grants));

        r.jobStuck("img-7", Duration.ofSeconds(5));
        r.jobFinished();

        assertThat(asked).containsExactly("stuck-job: job img-7 stuck for 5000 ms");
    }
}
