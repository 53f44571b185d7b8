package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.control.JobRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps N worker JVMs running, one per slot, and one spare JVM built and waiting. A JVM that asks
 * to recycle gets the spare as its successor at once (a new spare is started), and is let go
 * when no sibling is recycling and the minimum gap has passed; it drains, commits and exits, and
 * its successor is told to go, so the slot's partitions never wait for a JVM to start. A JVM that
 * crashes is replaced at once the first time, and with exponential backoff while it keeps
 * crashing. The records a crashed JVM had in flight become suspects, pushed to every child: they
 * run alone, and after {@code maxCrashes} they are answered {@code WORKER_CRASHED}.
 * {@link #stop()} (SIGTERM) sends SIGTERM to every child, waits up to the grace period, kills
 * what is left, and ends when the children are gone.
 *
 * <p>Threading: one thread, the supervisor's, owns every slot; child readers and callers post
 * work to it. Public methods are thread-safe.
 */
public final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final long TICK_MS = 100;
    /** A JVM that ran this long before crashing is not part of a crash loop. */
    private static final Duration STABLE_UPTIME = Duration.ofSeconds(60);
    /** A recycle that gets no partitions back within this blocks the next one no longer; past it a slot counts as idle. */
    private static final Duration REJOIN_WAIT = Duration.ofSeconds(30);
    /** How long a recycle waits for its successor to be built before letting the old JVM go anyway. */
    private static final Duration SUCCESSOR_WAIT = Duration.ofSeconds(60);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    /** The lifecycle of a supervisor. */
    public enum State { STARTING, RUNNING, STOPPING, STOPPED }

    private final SupervisorConfig config;
    private final ChildLauncher launcher;
    private final SupervisorListener listener;
    private final Clock clock;
    private final LongSupplier nanos;
    private final BlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    private final List<Slot> slots = new ArrayList<>();
    private final CrashLedger ledger;
    private final Deque<Slot> recycleQueue = new ArrayDeque<>();
    private final List<RecycleRecord> recycles = new CopyOnWriteArrayList<>();
    private final List<CrashRecord> crashes = new CopyOnWriteArrayList<>();
    private final List<AssignmentChange> changes = new CopyOnWriteArrayList<>();
    private final List<ExitReport> exits = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ChildLauncher.Events events = new ChildLauncher.Events() {
        @Override
        public void message(Child child, ControlMessage message) {
            work.add(() -> onMessage(child, message));
        }

        @Override
        public void exited(Child child, int code) {
            work.add(() -> onExit(child, code));
        }
    };
    private Child spare;
    /** The JVM training the AOT cache, while it runs. */
    private Child trainer;
    private boolean spareReady;
    private int spareFailures;
    private long spareAtNanos;
    /** The slot whose recycle is under way, from the grant until its new JVM has partitions. */
    private Slot recycling;
    private long lastRecycleEndNanos;
    private long stopDeadlineNanos;
    private boolean uncleanStop;
    private volatile State state = State.STARTING;
    private volatile List<SlotStatus> status = List.of();
    private volatile int exitCode;
    /** When the supervisor's thread last went round its loop: a stuck supervisor is not live. */
    private volatile long lastTickNanos;
    private volatile int suspectCount;
    /** Each slot's latest meters from its worker JVM, in the Prometheus text format without a slot label. */
    private final Map<Integer, String> childMetrics = new ConcurrentHashMap<>();

    public Supervisor(SupervisorConfig config, ChildLauncher launcher, SupervisorListener listener, Clock clock,
                      LongSupplier nanos) {
        this.config = config;
        this.launcher = launcher;
        this.listener = listener;
        this.clock = clock;
        this.nanos = nanos;
        this.ledger = new CrashLedger(config.maxCrashes());
        for (int i = 0; i < config.processes(); i++) {
            slots.add(new Slot(i));
        }
        this.lastRecycleEndNanos = nanos.getAsLong() - config.recycleMinGap().toNanos();
        this.lastTickNanos = nanos.getAsLong();
    }

    /** Starts every slot's worker JVM, the spare, and the supervisor's thread. */
    public void start() {
        Thread t = new Thread(this::run, "imagefleet-supervisor");
        work.add(() -> {
            state = State.RUNNING;
            startAotTraining();
            slots.forEach(s -> {
                s.downSinceNanos = nanos.getAsLong();
                s.current = spawn(s);
            });
            startSpare();
        });
        t.start();
    }

    /** SIGTERM to every child, then kills what is left after the grace period. Safe from any thread. */
    public void stop() {
        work.add(this::beginStop);
    }

    /** Waits until every child is gone; true if that happened within the timeout. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** 0 when every child drained and exited cleanly after {@link #stop()}, else 1. */
    public int exitCode() {
        return exitCode;
    }

    public State state() {
        return state;
    }

    public List<SlotStatus> slots() {
        return status;
    }

    /** When the supervisor's thread last went round its loop (every 100 ms while it is well), in {@code nanos} time. */
    public long lastTickNanos() {
        return lastTickNanos;
    }

    /** Records suspected of killing worker JVMs now (run alone, or given up). */
    public int suspectCount() {
        return suspectCount;
    }

    /** Each slot's latest meters from its running worker JVM (Prometheus text, no slot label), by slot. */
    public Map<Integer, String> childMetrics() {
        return Map.copyOf(childMetrics);
    }

    public List<RecycleRecord> recycles() {
        return List.copyOf(recycles);
    }

    public List<CrashRecord> crashes() {
        return List.copyOf(crashes);
    }

    public List<AssignmentChange> assignmentChanges() {
        return List.copyOf(changes);
    }

    /** What each worker JVM that exited on purpose reported as it went. */
    public List<ExitReport> exitReports() {
        return List.copyOf(exits);
    }

    private void run() {
        while (state != State.STOPPED) {
            try {
                Runnable r = work.poll(TICK_MS, TimeUnit.MILLISECONDS);
                while (r != null) {
                    r.run();
                    r = work.poll();
                }
                maintain();
                long now = nanos.getAsLong();
                status = slots.stream().map(s -> s.status(now)).toList();
                lastTickNanos = now;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("supervisor thread interrupted; killing the children");
                everyChild(Child::kill);
                exitCode = 1;
                state = State.STOPPED;
            } catch (RuntimeException e) {
                log.error("supervisor step failed; carrying on", e);
            }
        }
        stopped.countDown();
    }

    // ---- messages ----

    private void onMessage(Child child, ControlMessage message) {
        if (child == trainer) {
            if (message instanceof ControlMessage.Hello) {
                // Built: what a worker loads to start is what the cache should hold. Its exit writes the cache.
                trainer.terminate();
            }
            return;
        }
        if (child == spare) {
            spareReady |= message instanceof ControlMessage.Hello;
            return;
        }
        if (child.slot() < 0) {
            return;
        }
        Slot slot = slots.get(child.slot());
        if (child == slot.successor) {
            slot.successorReady |= message instanceof ControlMessage.Hello;
            return;
        }
        if (child != slot.current) {
            return;
        }
        long now = nanos.getAsLong();
        switch (message) {
            case ControlMessage.JobStarted m -> onJobStarted(slot, m.job(), now);
            case ControlMessage.JobEnded m -> onJobEnded(slot, m, now);
            case ControlMessage.Committed m -> slot.committed(m.offsets());
            case ControlMessage.Assignment m -> onAssignment(slot, m, now);
            case ControlMessage.RecycleRequest m -> onRecycleRequest(slot, m, now);
            case ControlMessage.Exiting m -> exits.add(new ExitReport(slot.index, child.generation(), m.exitCode(),
                    m.answered(), m.peakRssBytes(), m.admissionHighWater(), m.admissionCapacity()));
            case ControlMessage.Heartbeat m -> onHeartbeat(slot, m, now);
            case ControlMessage.Metrics m -> childMetrics.put(slot.index, m.prometheus());
            default -> { }
        }
    }

    private static void onHeartbeat(Slot slot, ControlMessage.Heartbeat m, long now) {
        if (m.pollAgeMs() >= 0) {
            // Never before the go: a loop that turned before it was let go is no news.
            slot.lastTurnNanos = Math.max(slot.lastTurnNanos, now - m.pollAgeMs() * 1_000_000);
        }
        slot.joined = m.joined();
        slot.heldPartitions = m.partitions();
    }

    private void onJobStarted(Slot slot, JobRef job, long now) {
        slot.inFlight.put(job.position(), job);
        Slot.PendingRecycle p = slot.awaitingFirstJob;
        if (p != null) {
            // Past the rejoin wait the slot was idle rather than recycling: no gap to speak of.
            boolean busy = now - p.exitNanos() < REJOIN_WAIT.toNanos();
            finishRecycle(slot, busy ? Duration.ofNanos(now - p.lastJobNanos()) : null);
        }
    }

    private void onJobEnded(Slot slot, ControlMessage.JobEnded m, long now) {
        slot.inFlight.remove(m.job().position());
        if ("answered".equals(m.outcome())) {
            slot.uncommitted.put(m.job().position(), m.job());
            slot.answered++;
            slot.lastAnsweredNanos = now;
            slot.consecutiveCrashes = 0;
            if (ledger.answered(m.job())) {
                broadcastSuspects();
            }
        }
    }

    private void onAssignment(Slot slot, ControlMessage.Assignment m, long now) {
        boolean regained = "assigned".equals(m.change()) && slot.partitions.containsAll(m.partitions());
        AssignmentChange change = new AssignmentChange(slot.index, m.change(), m.partitions(), m.now(), !regained,
                clock.instant());
        changes.add(change);
        slot.partitions = new TreeSet<>(m.now());
        if (change.rebalance()) {
            log.info("slot-{} partitions {}: {} (now {})", slot.index, m.change(), m.partitions(), m.now());
        }
        listener.assignmentChanged(change);
        if (recycling == slot && slot.rejoining) {
            slot.rejoin = Duration.ofNanos(now - slot.rejoinFrom);
            endRecycleWindow(now);
        }
    }

    private void onRecycleRequest(Slot slot, ControlMessage.RecycleRequest m, long now) {
        if (slot.recycleReason != null || slot.draining || state != State.RUNNING) {
            return;
        }
        slot.recycleReason = m.reason();
        slot.recycleDetail = m.detail();
        slot.askedNanos = now;
        recycleQueue.add(slot);
        log.info("slot-{} asks to recycle: {} ({})", slot.index, m.reason(), m.detail());
        if (slot.successor == null) {
            // The spare if there is one; otherwise a successor of its own, built while the old JVM keeps working.
            Child spareTaken = takeSpare(slot);
            slot.successor = spareTaken != null ? spareTaken : launch(slot.index, ++slot.generation);
            slot.successorReady = spareTaken != null && slot.successorReadyFromSpare;
        }
    }

    // ---- exits ----

    private void onExit(Child child, int code) {
        if (child == trainer) {
            trainer = null;
            launcher.aotTrained();
            log.info("the AOT cache training JVM exited {}; the cache is {}", ExitCodes.describe(code),
                    launcher.aotCacheMissing() ? "missing (worker JVMs start without it)" : "ready");
            checkStopped();
            return;
        }
        if (child == spare) {
            spare = null;
            spareReady = false;
            if (state == State.RUNNING) {
                spareFailures++;
                spareAtNanos = nanos.getAsLong() + backoff(spareFailures + 1).toNanos();
                log.warn("the spare worker JVM {} exited {}", child, ExitCodes.describe(code));
            }
            checkStopped();
            return;
        }
        if (child.slot() < 0) {
            return;
        }
        Slot slot = slots.get(child.slot());
        if (child == slot.successor) {
            slot.successor = null;
            slot.successorReady = false;
            log.warn("slot-{} successor {} exited {} before it started", slot.index, child, ExitCodes.describe(code));
            checkStopped();
            return;
        }
        if (child != slot.current) {
            return;
        }
        slot.current = null;
        long now = nanos.getAsLong();
        slot.downSinceNanos = now;
        childMetrics.remove(slot.index);
        if (state == State.STOPPING) {
            uncleanStop |= code != ExitCodes.OK && code != ExitCodes.RECYCLE && code != ExitCodes.SIGTERM;
            log.info("slot-{} {} exited {}", slot.index, child, ExitCodes.describe(code));
            checkStopped();
        } else if (code == ExitCodes.RECYCLE || code == ExitCodes.OK) {
            log.debug("slot-{} {} exited {}", slot.index, child, ExitCodes.describe(code));
            onCleanExit(slot, child, code, now);
        } else {
            onCrash(slot, child, code, now);
        }
    }

    private void onCleanExit(Slot slot, Child child, int code, long now) {
        if (!slot.inFlight.isEmpty()) {
            log.warn("slot-{} exited {} with {} records unfinished; they were not committed and will be delivered again",
                    slot.index, ExitCodes.describe(code), slot.inFlight.size());
        }
        boolean recycled = slot.draining;
        if (recycled) {
            slot.awaitingFirstJob = new Slot.PendingRecycle(slot.recycleReason, slot.recycleDetail, slot.answered,
                    slot.grantedAt, Duration.ofNanos(now - slot.grantedNanos), slot.lastAnsweredNanos, now);
        } else {
            log.warn("slot-{} {} exited {} on its own; starting another", slot.index, child, ExitCodes.describe(code));
        }
        replace(slot);
        if (recycled && recycling == slot) {
            slot.rejoining = true;
            slot.rejoinFrom = nanos.getAsLong();
        }
    }

    private void onCrash(Slot slot, Child child, int code, long now) {
        Duration uptime = Duration.ofNanos(now - child.startedNanos());
        List<JobRef> inFlight = List.copyOf(slot.inFlight.values());
        List<JobRef> uncommitted = List.copyOf(slot.uncommitted.values());
        if (uptime.compareTo(STABLE_UPTIME) > 0) {
            slot.consecutiveCrashes = 0;
        }
        slot.consecutiveCrashes++;
        Duration delay = backoff(slot.consecutiveCrashes);
        log.error("slot-{} {} died: exit {} after {} s with {} records in flight {}; respawning {}", slot.index, child,
                ExitCodes.describe(code), uptime.toSeconds(), inFlight.size(), inFlight,
                delay.isZero() ? "now" : "in " + delay.toMillis() + " ms");
        CrashRecord record = new CrashRecord(slot.index, code, inFlight, uncommitted, clock.instant(), uptime, delay);
        crashes.add(record);
        listener.crashed(record);
        if (ledger.crashed("slot-" + slot.index + " exit " + ExitCodes.describe(code), inFlight)) {
            broadcastSuspects();
        }
        if (recycling == slot) {
            endRecycleWindow(now);
        }
        if (slot.awaitingFirstJob != null) {
            finishRecycle(slot, null);
        }
        if (delay.isZero()) {
            replace(slot);
        } else {
            if (slot.successor != null) {
                slot.successor.kill();
                slot.successor = null;
            }
            slot.resetChild();
            recycleQueue.remove(slot);
            slot.respawnAtNanos = now + delay.toNanos();
            slot.respawnPending = true;
        }
    }

    /** Puts the successor, the spare or a new JVM in the slot, and tells it to go. */
    private void replace(Slot slot) {
        slot.resetChild();
        recycleQueue.remove(slot);
        Child next = slot.successor != null && slot.successor.alive() ? slot.successor : takeSpare(slot);
        slot.successor = null;
        if (next != null) {
            slot.current = next;
            go(next);
        } else {
            slot.current = spawn(slot);
        }
    }

    private Duration backoff(int consecutive) {
        if (consecutive <= 1) {
            return Duration.ZERO;
        }
        long ms = FIRST_BACKOFF.toMillis() << Math.min(20, consecutive - 2);
        return Duration.ofMillis(Math.min(ms, config.crashBackoffMax().toMillis()));
    }

    // ---- the periodic step ----

    private void maintain() {
        long now = nanos.getAsLong();
        if (state == State.STOPPING) {
            if (now - stopDeadlineNanos > 0) {
                killRemaining();
            }
            return;
        }
        if (state != State.RUNNING) {
            return;
        }
        for (Slot s : slots) {
            if (s.respawnPending && now - s.respawnAtNanos >= 0 && s.current == null) {
                s.respawnPending = false;
                s.current = spawn(s);
            }
        }
        if (recycling != null && recycling.rejoining && now - recycling.rejoinFrom > REJOIN_WAIT.toNanos()) {
            log.warn("slot-{} got no partitions within {} s of its recycle; letting the next one go",
                    recycling.index, REJOIN_WAIT.toSeconds());
            endRecycleWindow(now);
        }
        if (recycling == null && now - lastRecycleEndNanos >= config.recycleMinGap().toNanos()) {
            recycleQueue.removeIf(s -> s.current == null || !s.current.alive() || s.recycleReason == null);
            for (Slot s : recycleQueue) {
                if (successorReady(s, now)) {
                    recycleQueue.remove(s);
                    grant(s, now);
                    break;
                }
            }
        }
        // The next spare starts once no recycle is under way, so its start-up never slows a rejoin.
        if (spare == null && recycling == null && now - spareAtNanos >= 0) {
            startSpare();
        }
    }

    /** Whether the slot's successor is built and waiting (or will not be: then the slot goes without it). */
    private static boolean successorReady(Slot slot, long now) {
        if (slot.successor == null || slot.successorReady) {
            return true;
        }
        if (now - slot.askedNanos > SUCCESSOR_WAIT.toNanos()) {
            log.warn("slot-{} successor said nothing within {} s; recycling without waiting for it", slot.index,
                    SUCCESSOR_WAIT.toSeconds());
            return true;
        }
        return false;
    }

    /**
     * Lets a slot's JVM recycle: it drains, commits and exits, and its successor is told to go.
     * Only one slot recycles at a time, from here until its new JVM has its partitions back.
     */
    private void grant(Slot slot, long now) {
        recycling = slot;
        slot.rejoining = false;
        slot.draining = true;
        slot.grantedNanos = now;
        slot.grantedAt = clock.instant();
        log.info("slot-{} recycles now: {}", slot.index, slot.recycleReason);
        slot.current.send(new ControlMessage.RecycleGrant());
        listener.recycling(slot.index, slot.recycleReason, slot.recycleDetail);
        if (slot.awaitingFirstJob != null) {
            finishRecycle(slot, null);
        }
    }

    private void endRecycleWindow(long now) {
        recycling.rejoining = false;
        recycling = null;
        lastRecycleEndNanos = now;
    }

    private void finishRecycle(Slot slot, Duration gap) {
        Slot.PendingRecycle p = slot.awaitingFirstJob;
        slot.awaitingFirstJob = null;
        RecycleRecord record = new RecycleRecord(slot.index, p.reason(), p.detail(), p.jobs(), p.grantedAt(), p.drain(),
                slot.rejoin, p.lastJobNanos() == 0 ? null : gap);
        slot.rejoin = null;
        recycles.add(record);
        log.info("slot-{} recycled ({}): drained in {} ms, rejoined in {} ms, gap between jobs {} ms", slot.index,
                record.reason(), record.drain().toMillis(), record.rejoin() == null ? "?" : record.rejoin().toMillis(),
                record.gap() == null ? "?" : record.gap().toMillis());
        listener.recycled(record);
    }

    // ---- children ----

    /** A new JVM for the slot, told to go at once. */
    private Child spawn(Slot slot) {
        Child child = launch(slot.index, ++slot.generation);
        if (child == null) {
            slot.consecutiveCrashes++;
            slot.respawnAtNanos = nanos.getAsLong() + backoff(Math.max(2, slot.consecutiveCrashes)).toNanos();
            slot.respawnPending = true;
            return null;
        }
        go(child);
        return child;
    }

    /** The spare, put to work in this slot (a new spare is started); null when there is none. */
    private Child takeSpare(Slot slot) {
        if (spare == null || !spare.alive() || state != State.RUNNING) {
            return null;
        }
        Child taken = spare;
        slot.successorReadyFromSpare = spareReady;
        taken.assign(slot.index, ++slot.generation);
        log.info("slot-{} takes the spare {}", slot.index, taken);
        listener.started(slot.index, slot.generation, taken.pid());
        spare = null;
        spareReady = false;
        return taken;
    }

    private void startAotTraining() {
        if (!launcher.aotCacheMissing()) {
            return;
        }
        try {
            trainer = launcher.launchAotTrainer(events);
            log.info("training the AOT cache for worker JVMs with {}", trainer);
        } catch (IOException e) {
            log.warn("cannot start a JVM to train the AOT cache: {}", e.toString());
        }
    }

    private void startSpare() {
        spare = launch(-1, 0);
        spareReady = false;
        if (spare == null) {
            spareFailures++;
            spareAtNanos = nanos.getAsLong() + backoff(spareFailures + 1).toNanos();
        }
    }

    private Child launch(int slot, int generation) {
        if (state != State.RUNNING) {
            return null;
        }
        try {
            Child child = launcher.launch(slot, generation, events);
            log.info("{} started {}", ChildLogs.label(slot), child);
            if (slot >= 0) {
                listener.started(slot, generation, child.pid());
            }
            return child;
        } catch (IOException e) {
            log.error("{} cannot start a worker JVM: {}", ChildLogs.label(slot), e.toString());
            return null;
        }
    }

    private void go(Child child) {
        Slot slot = slots.get(child.slot());
        slot.lastTurnNanos = nanos.getAsLong();
        slot.downSinceNanos = -1;
        child.send(new ControlMessage.Suspects(ledger.suspects()));
        child.send(new ControlMessage.Go(child.slot()));
    }

    private void broadcastSuspects() {
        ControlMessage.Suspects suspects = new ControlMessage.Suspects(ledger.suspects());
        suspectCount = suspects.jobs().size();
        everyChild(c -> c.send(suspects));
    }

    private void everyChild(java.util.function.Consumer<Child> action) {
        for (Slot s : slots) {
            if (s.current != null) {
                action.accept(s.current);
            }
            if (s.successor != null) {
                action.accept(s.successor);
            }
        }
        if (spare != null) {
            action.accept(spare);
        }
        if (trainer != null) {
            action.accept(trainer);
        }
    }

    // ---- stopping ----

    private void beginStop() {
        if (state == State.STOPPING || state == State.STOPPED) {
            return;
        }
        state = State.STOPPING;
        stopDeadlineNanos = nanos.getAsLong() + config.shutdownGrace().toNanos();
        log.info("stopping: SIGTERM to every worker JVM; killing any left after {} s", config.shutdownGrace().toSeconds());
        slots.forEach(s -> s.respawnPending = false);
        everyChild(Child::terminate);
        checkStopped();
    }

    private void killRemaining() {
        everyChild(c -> {
            if (c.alive()) {
                log.warn("{} did not stop within the grace period; killing it", c);
                uncleanStop = true;
                c.kill();
            }
        });
    }

    private void checkStopped() {
        if (state != State.STOPPING || spare != null || trainer != null) {
            return;
        }
        for (Slot s : slots) {
            if (s.current != null || s.successor != null) {
                return;
            }
        }
        for (Slot s : slots) {
            if (s.awaitingFirstJob != null) {
                finishRecycle(s, null);
            }
        }
        exitCode = uncleanStop ? 1 : 0;
        state = State.STOPPED;
        log.info("every worker JVM has stopped{}", uncleanStop ? " (not all of them cleanly)" : "");
    }
}
