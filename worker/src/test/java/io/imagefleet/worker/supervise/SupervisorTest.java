package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.ControlMessage.Assignment;
import io.imagefleet.worker.control.ControlMessage.Go;
import io.imagefleet.worker.control.ControlMessage.Hello;
import io.imagefleet.worker.control.ControlMessage.JobEnded;
import io.imagefleet.worker.control.ControlMessage.JobStarted;
import io.imagefleet.worker.control.ControlMessage.Prepare;
import io.imagefleet.worker.control.ControlMessage.RecycleGrant;
import io.imagefleet.worker.control.ControlMessage.RecycleRequest;
import io.imagefleet.worker.control.ControlMessage.Suspects;
import io.imagefleet.worker.control.JobOutcome;
import io.imagefleet.worker.control.JobRef;
import io.imagefleet.worker.control.PartitionChange;
import io.imagefleet.worker.health.Health;
import io.imagefleet.worker.recycle.RecycleReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static io.imagefleet.worker.supervise.SlotState.DOWN;
import static io.imagefleet.worker.supervise.SlotState.DRAINING;
import static io.imagefleet.worker.supervise.SlotState.RECYCLE_ASKED;
import static io.imagefleet.worker.supervise.SlotState.RUNNING;
import static io.imagefleet.worker.supervise.SlotState.STARTING;
import static io.imagefleet.worker.supervise.SlotState.STOPPED;
import static io.imagefleet.worker.supervise.SlotState.STOPPING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The supervisor's decisions, driven turn by turn ({@link Supervisor#runOnce()}) with fake
 * children and a manual clock: no process, no thread, no sleep.
 */
class SupervisorTest {
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration MIN_GAP = Duration.ofSeconds(2);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(8);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final Clock clock = new ManualClock(nanos);
    private final FakeLauncher launcher = new FakeLauncher(nanos::get);
    private final Recording heard = new Recording();
    private Supervisor supervisor;
    /** The one slot's first JVM and the spare, in the tests that start them with {@link #startWithBuiltSpare()}. */
    private FakeChild old;
    private FakeChild spare;

    // ---- recycles ----

    @ParameterizedTest
    @EnumSource(RecycleReason.class)
    void recycle_eachReason_readySpareTakesOverAndTheRecycleIsTimed(RecycleReason reason) {
        startWithBuiltSpare();
        old.say(new JobStarted(job(1))).say(new JobEnded(job(1), JobOutcome.ANSWERED));
        turn();

        old.say(new RecycleRequest(reason, "the trigger's words"));
        turn();
        assertThat(old.received(RecycleGrant.class)).as("let go at once: the spare is built").hasSize(1);
        advance(Duration.ofMillis(300));
        old.exit(75);
        turn();
        assertThat(spare.received(Go.class)).containsExactly(new Go(0));
        advance(Duration.ofMillis(100));
        spare.say(assigned("jobs-0"));
        turn();
        advance(Duration.ofMillis(50));
        spare.say(new JobStarted(job(2)));
        turn();

        assertThat(heard.recycles).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.jobs()).isEqualTo(1);
            assertThat(r.drain()).isEqualTo(Duration.ofMillis(300));
            assertThat(r.rejoin()).isEqualTo(Duration.ofMillis(100));
            assertThat(r.gap()).isEqualTo(Duration.ofMillis(450));
        });
        assertThat(heard.states(0)).containsExactly(STARTING, RUNNING, RECYCLE_ASKED, DRAINING, DOWN, STARTING, RUNNING);
        assertThat(heard.crashes).isEmpty();
        assertThat(launcher.launched()).as("a new spare once the recycle is over").hasSize(3);
        assertThat(launcher.last().slot()).isEqualTo(-1);
    }

    @Test
    void recycle_slotOutOfJobsBeforeTheGrant_gapRunsFromTheGrant() {
        startWithSpareStarting();
        old.say(new JobStarted(job(1))).say(new JobEnded(job(1), JobOutcome.ANSWERED));
        turn();
        old.say(new RecycleRequest(RecycleReason.MAX_JOBS, "50 jobs"));
        turn();
        advance(Duration.ofSeconds(2));
        spare.say(new Hello(spare.pid()));
        turn();
        assertThat(old.received(RecycleGrant.class)).as("let go once its successor said hello").hasSize(1);

        advance(Duration.ofMillis(100));
        old.exit(75);
        turn();
        advance(Duration.ofMillis(150));
        spare.say(assigned("jobs-0")).say(new JobStarted(job(2)));
        turn();

        assertThat(heard.recycles).singleElement().satisfies(r ->
                assertThat(r.gap()).as("idle for want of a successor, not recycling, before the grant")
                        .isEqualTo(Duration.ofMillis(250)));
    }

    @Test
    void recycle_successorHasNotStartedAJob_nextSpareWaitsForItsFirstJob() {
        startWithBuiltSpare();
        old.say(new RecycleRequest(RecycleReason.MAX_JOBS, "50 jobs"));
        turn();
        old.exit(75);
        turn();
        spare.say(assigned("jobs-0"));
        turn();
        advance(Duration.ofMillis(500));
        turn();
        assertThat(launcher.launched()).as("no JVM starts while the successor gets going").hasSize(2);

        spare.say(new JobStarted(job(1)));
        turn();

        assertThat(launcher.launched()).as("the next spare, once the successor started a job").hasSize(3);
    }

    @Test
    void recycle_successorGetsNoJob_nextSpareStartsAfterTheFirstJobWait() {
        startWithBuiltSpare();
        old.say(new RecycleRequest(RecycleReason.MAX_JOBS, "50 jobs"));
        turn();
        old.exit(75);
        turn();
        spare.say(assigned("jobs-0"));
        turn();
        assertThat(launcher.launched()).hasSize(2);

        advance(Recycles.FIRST_JOB_WAIT.plusMillis(1));
        turn();

        assertThat(launcher.launched()).as("an idle fleet gets its spare back").hasSize(3);
    }

    @Test
    void recycle_oldJvmSaysExiting_successorGoesBeforeTheOldProcessHasExited() {
        startWithBuiltSpare();
        old.say(new RecycleRequest(RecycleReason.MAX_JOBS, "10 jobs"));
        turn();
        advance(Duration.ofMillis(200));

        old.say(new ControlMessage.Exiting(75, 10, 300L << 20, 0, 1L << 20));
        turn();

        assertThat(old.alive()).isTrue();
        assertThat(spare.received(Go.class)).containsExactly(new Go(0));
        assertThat(supervisor.slots().get(0).state()).isEqualTo(STARTING);
        assertThat(supervisor.slots().get(0).pid()).isEqualTo(spare.pid());
        old.exit(75);
        turn();
        assertThat(heard.crashes).isEmpty();
        assertThat(supervisor.slots().get(0).pid()).as("the old JVM's exit changes nothing").isEqualTo(spare.pid());
        spare.say(assigned("jobs-0")).say(new JobStarted(job(1)));
        turn();
        assertThat(heard.recycles).singleElement().satisfies(r -> assertThat(r.drain()).isEqualTo(Duration.ofMillis(200)));
    }

    @Test
    void stop_oldJvmStillTearingDownAfterItsHandOver_isWaitedFor() {
        startWithBuiltSpare();
        old.say(new RecycleRequest(RecycleReason.MAX_JOBS, "10 jobs"));
        turn();
        old.say(new ControlMessage.Exiting(75, 10, -1, 0, 1L << 20));
        turn();

        supervisor.stop();
        turn();
        spare.exit(0);
        turn();
        assertThat(supervisor.state()).as("the old JVM is still there").isEqualTo(Supervisor.State.STOPPING);
        old.exit(75);
        turn();

        assertThat(supervisor.state()).isEqualTo(Supervisor.State.STOPPED);
        assertThat(supervisor.exitCode()).isZero();
    }

    @Test
    void recycle_twoSlotsAskTogether_theSecondGoesAfterTheFirstWithTheNextSpareAndTheGap() {
        start(2);
        FakeChild first = launcher.launched().get(0);
        FakeChild second = launcher.launched().get(1);
        FakeChild spare = launcher.launched().get(2);
        spare.say(new Hello(spare.pid()));
        first.say(assigned("jobs-0"));
        second.say(assigned("jobs-1"));
        turn();

        first.say(new RecycleRequest(RecycleReason.MAX_JOBS, "100 jobs"));
        second.say(new RecycleRequest(RecycleReason.MAX_JOBS, "100 jobs"));
        turn();
        assertThat(first.received(RecycleGrant.class)).hasSize(1);
        assertThat(second.received(RecycleGrant.class)).as("a sibling is recycling").isEmpty();
        assertThat(launcher.launched()).as("no JVM starts during a recycle: the second waits for the next spare")
                .hasSize(3);

        first.exit(75);
        turn();
        spare.say(assigned("jobs-0"));
        turn();
        spare.say(new JobStarted(job(1)));
        turn();
        assertThat(launcher.launched()).as("the next spare, once the first's successor started a job").hasSize(4);
        FakeChild nextSpare = launcher.last();
        nextSpare.say(new Hello(nextSpare.pid()));
        advance(MIN_GAP.minusMillis(1));
        turn();
        assertThat(second.received(RecycleGrant.class)).as("within the minimum gap").isEmpty();
        advance(Duration.ofMillis(1));
        turn();

        assertThat(second.received(RecycleGrant.class)).hasSize(1);
        assertThat(nextSpare.slot()).isEqualTo(1);
    }

    @Test
    void recycle_secondSlotWaitsForTheNextSpare_takesItOnlyOnceItSaidHello() {
        start(2);
        FakeChild first = launcher.launched().get(0);
        FakeChild second = launcher.launched().get(1);
        FakeChild spare = launcher.launched().get(2);
        spare.say(new Hello(spare.pid()));
        first.say(assigned("jobs-0"));
        second.say(assigned("jobs-1"));
        first.say(new RecycleRequest(RecycleReason.MAX_JOBS, "100 jobs"));
        second.say(new RecycleRequest(RecycleReason.MAX_JOBS, "100 jobs"));
        turn();
        first.exit(75);
        turn();
        spare.say(assigned("jobs-0")).say(new JobStarted(job(1)));
        turn();
        FakeChild nextSpare = launcher.last();
        advance(MIN_GAP);
        turn();
        assertThat(second.received(RecycleGrant.class)).as("its successor has not said hello").isEmpty();
        assertThat(launcher.launched()).as("the unbuilt spare is not taken, so no other JVM starts").hasSize(4);

        nextSpare.say(new Hello(nextSpare.pid()));
        turn();

        assertThat(second.received(RecycleGrant.class)).hasSize(1);
        assertThat(nextSpare.slot()).isEqualTo(1);
    }

    @Test
    void recycle_successorNeverSaysHello_oldJvmIsLetGoAfterTheSuccessorWait() {
        start(1);
        FakeChild old = launcher.launched().get(0);
        old.say(assigned("jobs-0")).say(new RecycleRequest(RecycleReason.AGE, "1 h"));
        turn();
        advance(Recycles.SUCCESSOR_WAIT);
        turn();
        assertThat(old.received(RecycleGrant.class)).as("the successor (the spare) never said hello").isEmpty();
        assertThat(supervisor.slots().get(0).state()).isEqualTo(RECYCLE_ASKED);

        advance(Duration.ofMillis(1));
        turn();

        assertThat(old.received(RecycleGrant.class)).hasSize(1);
        assertThat(supervisor.slots().get(0).state()).isEqualTo(DRAINING);
    }

    @Test
    void exit_cleanWithoutAGrant_isReplacedAtOnceAndIsNeitherACrashNorARecycle() {
        start(1);
        FakeChild old = launcher.launched().get(0);
        FakeChild spare = launcher.launched().get(1);

        old.exit(0);
        turn();

        assertThat(spare.received(Go.class)).containsExactly(new Go(0));
        assertThat(heard.crashes).isEmpty();
        assertThat(heard.recycles).isEmpty();
    }

    @Test
    void recycle_spareTakenAsSuccessor_isToldToPrepareTheSlotBeforeTheGrantAndGoesAfterTheExiting() {
        startWithBuiltSpare();
        turn();
        assertThat(spare.received(Prepare.class)).as("a spare without a slot builds nothing").isEmpty();

        old.say(new RecycleRequest(RecycleReason.MAX_JOBS, "50 jobs"));
        turn();
        assertThat(spare.received()).as("named before the old JVM drains, so it builds while the old one works")
                .containsExactly(new Prepare(0));
        assertThat(old.received(RecycleGrant.class)).hasSize(1);

        old.say(new ControlMessage.Exiting(75, 50, -1, 0, 0));
        turn();
        assertThat(spare.received()).as("the go names the slot it prepared")
                .containsSubsequence(new Prepare(0), new Go(0));
        assertThat(spare.received(Prepare.class)).hasSize(1);
    }

    @Test
    void recycleSoon_spareBuilt_isPreparedAheadOfTheRequestAndNoSpareStartsUntilTheRecycleIsOver() {
        startWithBuiltSpare();
        turn();

        old.say(new ControlMessage.RecycleSoon());
        turn();
        assertThat(spare.received()).as("named before the request, so it is built and connected before the drain")
                .containsExactly(new Prepare(0));
        assertThat(old.received(RecycleGrant.class)).isEmpty();
        advance(Duration.ofSeconds(5));
        turn();
        assertThat(launcher.launched()).as("no spare starts while a recycle is about to come").hasSize(2);

        old.say(new RecycleRequest(RecycleReason.MAX_JOBS, "50 jobs"));
        turn();
        assertThat(old.received(RecycleGrant.class)).hasSize(1);
        old.exit(75);
        turn();
        spare.say(assigned("jobs-0")).say(new JobStarted(job(1)));
        turn();

        assertThat(spare.received(Prepare.class)).as("prepared once").hasSize(1);
        assertThat(spare.received()).containsSubsequence(new Prepare(0), new Go(0));
        assertThat(heard.recycles).hasSize(1);
        assertThat(launcher.launched()).as("the next spare, once the recycle is over").hasSize(3);
    }

    @Test
    void recycleSoon_requestNeverComes_nextSpareStartsAfterTheSoonWait() {
        startWithBuiltSpare();
        old.say(new ControlMessage.RecycleSoon());
        turn();
        assertThat(spare.received()).containsExactly(new Prepare(0));

        advance(Recycles.SOON_WAIT.plusMillis(1));
        turn();

        assertThat(launcher.launched()).as("an idle slot holds its successor, and the fleet gets a spare back").hasSize(3);
        assertThat(launcher.last().slot()).isEqualTo(-1);
    }

    @Test
    void recycleSoon_spareNotSaidHelloYet_isNotTakenAhead() {
        startWithSpareStarting();
        old.say(new ControlMessage.RecycleSoon());
        turn();

        assertThat(spare.received()).as("taken only by the request: taken now, the next spare would start at once")
                .isEmpty();
    }

    @Test
    void recycle_successorNotSaidHelloYet_isPreparedAtOnceAndGoesOnlyOnceItSaidHello() {
        startWithSpareStarting();
        turn();

        old.say(new RecycleRequest(RecycleReason.MAX_JOBS, "50 jobs"));
        turn();
        assertThat(spare.received()).as("a JVM still starting reads it once it has said hello")
                .containsExactly(new Prepare(0));
        assertThat(old.received(RecycleGrant.class)).as("no grant before the successor said hello").isEmpty();
        advance(Duration.ofSeconds(1));
        turn();
        assertThat(launcher.launched()).as("no spare starts beside a successor still starting").hasSize(2);

        spare.say(new Hello(spare.pid()));
        turn();
        assertThat(old.received(RecycleGrant.class)).hasSize(1);
    }

    // ---- crashes ----

    @Test
    void crash_first_spareTakesOverAtOnceAndTheJobsInFlightBecomeSuspects() {
        start(1);
        FakeChild dead = launcher.launched().get(0);
        FakeChild spare = launcher.launched().get(1);
        dead.say(assigned("jobs-0")).say(new JobStarted(job(5)));
        turn();
        advance(Duration.ofSeconds(5));

        dead.exit(137);
        turn();

        assertThat(heard.crashes).singleElement().satisfies(c -> {
            assertThat(c.exitCode()).isEqualTo(137);
            assertThat(c.inFlight()).containsExactly(job(5));
            assertThat(c.uptime()).isEqualTo(Duration.ofSeconds(5));
            assertThat(c.respawn()).isZero();
        });
        assertThat(spare.received(Go.class)).containsExactly(new Go(0));
        assertThat(spare.received(Suspects.class).getLast().jobs()).containsExactly(
                new ControlMessage.Suspect(job(5), 1, false, "slot-0 exit 137 (SIGKILL)"));
        assertThat(supervisor.suspectCount()).isEqualTo(1);
    }

    @Test
    void crash_loop_respawnsAfterABackoffDoublingUpToTheMaximum() {
        start(1);
        List<Duration> waited = new ArrayList<>();

        for (int i = 0; i < 6; i++) {
            current(0).exit(1);
            turn();
            Duration delay = heard.crashes.getLast().respawn();
            waited.add(delay);
            if (!delay.isZero()) {
                assertThat(supervisor.slots().get(0).state()).isEqualTo(DOWN);
                advance(delay.minusMillis(1));
                turn();
                assertThat(supervisor.slots().get(0).pid()).as("still backing off").isEqualTo(-1);
                advance(Duration.ofMillis(1));
                turn();
            }
            assertThat(supervisor.slots().get(0).state()).isEqualTo(STARTING);
        }

        assertThat(waited).containsExactly(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(4), BACKOFF_MAX, BACKOFF_MAX);
        assertThat(supervisor.slots().get(0).health().consecutiveCrashes()).isEqualTo(6);
    }

    @Test
    void crash_afterAStableRun_respawnsAtOnceAgain() {
        start(1);
        current(0).exit(1);
        turn();
        advance(CrashPolicy.STABLE_UPTIME.plusSeconds(1));

        current(0).exit(1);
        turn();

        assertThat(heard.crashes).extracting(CrashRecord::respawn).containsExactly(Duration.ZERO, Duration.ZERO);
    }

    @Test
    void crash_jobInFlightInMaxCrashes_isGivenUpOnAndForgottenOnceAnswered() {
        start(1);
        current(0).say(new JobStarted(job(7)));
        turn();
        current(0).exit(137);
        turn();
        current(0).say(new JobStarted(job(7)));
        turn();
        current(0).exit(134);
        turn();
        advance(Duration.ofSeconds(1));
        turn();
        FakeChild third = current(0);

        assertThat(third.received(Suspects.class).getFirst().jobs()).containsExactly(new ControlMessage.Suspect(job(7), 2,
                true, "slot-0 exit 137 (SIGKILL); slot-0 exit 134 (SIGABRT)"));
        assertThat(third.received().indexOf(third.received(Suspects.class).getFirst()))
                .as("the suspects come before the go").isLessThan(third.received().indexOf(new Go(0)));

        third.say(new JobStarted(job(7))).say(new JobEnded(job(7), JobOutcome.ANSWERED));
        turn();
        assertThat(third.received(Suspects.class).getLast().jobs()).isEmpty();
        assertThat(supervisor.suspectCount()).isZero();
    }

    @Test
    void start_launchFails_slotIsDownAndTriedAgainAfterABackoff() {
        launcher.failNext(1);
        start(1);
        assertThat(supervisor.slots().get(0).state()).isEqualTo(DOWN);

        advance(Duration.ofSeconds(1));
        turn();

        assertThat(supervisor.slots().get(0).state()).isEqualTo(STARTING);
        assertThat(current(0).received(Go.class)).containsExactly(new Go(0));
    }

    // ---- stopping ----

    @Test
    void stop_everyChildDrains_stopsWithExitZeroAndStartsNothingMore() throws InterruptedException {
        start(2);
        int launched = launcher.launched().size();

        supervisor.stop();
        turn();
        assertThat(launcher.launched()).allMatch(FakeChild::terminated);
        assertThat(supervisor.slots()).extracting(SlotStatus::state).containsOnly(STOPPING);
        launcher.launched().forEach(c -> c.exit(c.slot() < 0 ? 143 : 0));
        turn();

        assertThat(supervisor.state()).isEqualTo(Supervisor.State.STOPPED);
        assertThat(supervisor.awaitStopped(Duration.ZERO)).isTrue();
        assertThat(supervisor.exitCode()).isZero();
        assertThat(supervisor.slots()).extracting(SlotStatus::state).containsOnly(STOPPED);
        assertThat(launcher.launched()).hasSize(launched);
    }

    @Test
    void stop_childIgnoresSigterm_isKilledAfterTheGraceAndTheExitCodeIsOne() {
        start(2);
        FakeChild stubborn = launcher.launched().get(1);
        supervisor.stop();
        turn();
        launcher.launched().stream().filter(c -> c != stubborn).forEach(c -> c.exit(0));
        turn();

        advance(GRACE);
        turn();
        assertThat(stubborn.alive()).as("within the grace period").isTrue();
        advance(Duration.ofMillis(1));
        turn();
        turn();

        assertThat(stubborn.alive()).isFalse();
        assertThat(supervisor.state()).isEqualTo(Supervisor.State.STOPPED);
        assertThat(supervisor.exitCode()).isEqualTo(1);
    }

    // ---- health and meters ----

    @Test
    void health_slotJvmNeverSaysHelloNorTurns_isNotLiveOnceTheTimeoutHasPassed() {
        start(1);
        SupervisorHealth health = new SupervisorHealth(supervisor, Duration.ofSeconds(30), nanos::get);
        advance(Duration.ofSeconds(30));
        turn();
        assertThat(health.live().up()).isTrue();

        advance(Duration.ofSeconds(1));
        turn();

        Health live = health.live();
        assertThat(live.up()).isFalse();
        assertThat(live.problems()).singleElement().asString().startsWith("slot-0 (pid ")
                .contains("its poll loop has not turned for 31 s");
        assertThat(health.ready().up()).isFalse();
        assertThat(supervisor.slots().get(0).state()).isEqualTo(STARTING);
    }

    @Test
    void meters_slotState_isOneForTheStateTheSlotIsIn() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SupervisorMeters meters = new SupervisorMeters(registry, 1);
        start(1, meters);
        meters.bind(supervisor, 1);
        current(0).say(assigned("jobs-0"));
        turn();

        assertThat(registry.get("imagefleet.slot.state").tag("slot", "0").tag("state", "running").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.get("imagefleet.slot.state").tag("slot", "0").tag("state", "starting").gauge().value())
                .isZero();
        assertThat(registry.get("imagefleet.slot.up").tag("slot", "0").gauge().value()).isEqualTo(1.0);
    }

    // ---- the harness ----

    private void start(int processes) {
        start(processes, SupervisorListener.NONE);
    }

    /** One slot, whose JVM ({@link #old}) holds jobs-0, and the spare ({@link #spare}), which has said hello. */
    private void startWithBuiltSpare() {
        startWithSpareStarting();
        spare.say(new Hello(spare.pid()));
    }

    /** One slot, whose JVM ({@link #old}) holds jobs-0, and the spare ({@link #spare}), still starting. */
    private void startWithSpareStarting() {
        start(1);
        old = launcher.launched().get(0);
        spare = launcher.launched().get(1);
        old.say(assigned("jobs-0"));
    }

    private void start(int processes, SupervisorListener more) {
        SupervisorConfig config = new SupervisorConfig(processes, 0, List.of(), GRACE, MIN_GAP, 2, BACKOFF_MAX, null);
        supervisor = new Supervisor(config, launcher, SupervisorListener.all(List.of(heard, more)), clock, nanos::get);
        supervisor.begin();
        turn();
    }

    private void turn() {
        supervisor.runOnce();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** The child running in the slot now. */
    private FakeChild current(int slot) {
        long pid = supervisor.slots().get(slot).pid();
        return launcher.launched().stream().filter(c -> c.pid() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("slot-" + slot + " has no JVM: " + supervisor.slots()));
    }

    private static Assignment assigned(String partition) {
        return new Assignment(PartitionChange.ASSIGNED, List.of(partition), List.of(partition));
    }

    private static JobRef job(long offset) {
        return new JobRef("jobs", 0, offset, "job-" + offset);
    }

    /** Records what the supervisor reports, as a test or a report would. */
    private static final class Recording implements SupervisorListener {
        final List<RecycleRecord> recycles = new CopyOnWriteArrayList<>();
        final List<CrashRecord> crashes = new CopyOnWriteArrayList<>();
        final List<int[]> transitions = new CopyOnWriteArrayList<>();

        @Override
        public void recycled(RecycleRecord record) {
            recycles.add(record);
        }

        @Override
        public void crashed(CrashRecord record) {
            crashes.add(record);
        }

        @Override
        public void slotStateChanged(int slot, SlotState from, SlotState to) {
            transitions.add(new int[] {slot, to.ordinal()});
        }

        List<SlotState> states(int slot) {
            return transitions.stream().filter(t -> t[0] == slot).map(t -> SlotState.values()[t[1]]).toList();
        }
    }

    /** A clock that reads the test's nanosecond counter. */
    private static final class ManualClock extends Clock {
        private final AtomicLong nanos;

        ManualClock(AtomicLong nanos) {
            this.nanos = nanos;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.EPOCH.plusNanos(nanos.get());
        }
    }
}
