package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.ExitCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps N worker JVMs running, one per {@link Slot}, and one spare JVM built and waiting. A JVM
 * that asks to recycle gets the spare as its successor at once (a new spare is started), and is
 * let go when no sibling is recycling and the minimum gap has passed ({@link Recycles}); it
 * drains, commits and exits, and its successor is told to go, so the slot's partitions never
 * wait for a JVM to start. A JVM that crashes is replaced at once the first time, and with
 * exponential backoff while it keeps crashing. The records a crashed JVM had in flight become
 * suspects, pushed to every child: they run alone, and after {@code maxCrashes} they are answered
 * {@code WORKER_CRASHED} ({@link Crashes}); {@link Exits} decides what follows an exit.
 * {@link #stop()} (SIGTERM) sends SIGTERM to every child, waits up to the grace period, kills
 * what is left, and ends when the children are gone ({@link Children}).
 *
 * <p>Threading: one thread, the supervisor's, owns every slot; child readers and callers post
 * work to it. Public methods are thread-safe.
 *
 * <p>About 320 lines, past the ~300 this code base aims at: the thread's loop, the dispatch of
 * every control message and the stop sequence share the supervisor's own state (its lifecycle,
 * the stop deadline, the exit code); each decision is made by the class named above, not here.
 */
public final class Supervisor {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final long TICK_MS = 100;

    /** The lifecycle of a supervisor. */
    public enum State { STARTING, RUNNING, STOPPING, STOPPED }

    private final SupervisorConfig config;
    private final SupervisorListener listener;
    private final Clock clock;
    private final LongSupplier nanos;
    private final BlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    private final Crashes crashes;
    private final Recycles recycles;
    private final Children children;
    private final Exits exits;
    private final CountDownLatch stopped = new CountDownLatch(1);
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

    Supervisor(SupervisorConfig config, ChildLauncher launcher, SupervisorListener listener, Clock clock,
               LongSupplier nanos) {
        this.config = config;
        this.listener = listener;
        this.clock = clock;
        this.nanos = nanos;
        long now = nanos.getAsLong();
        CrashPolicy crashPolicy = new CrashPolicy(config.crashBackoffMax());
        this.crashes = new Crashes(crashPolicy, new CrashLedger(config.maxCrashes()), listener, clock);
        this.recycles = new Recycles(new RecycleQueue(config.recycleMinGap(), now), listener, clock);
        ChildLauncher.Events events = new ChildLauncher.Events() {
            @Override
            public void message(Child child, ControlMessage message) {
                work.add(() -> onMessage(child, message));
            }

            @Override
            public void exited(Child child, int code) {
                work.add(() -> onExit(child, code));
            }
        };
        this.children = new Children(config.processes(), launcher, events, listener, crashPolicy, nanos);
        this.exits = new Exits(children, recycles, crashes, this::broadcastSuspects);
        this.lastTickNanos = now;
    }

    /** Starts every slot's worker JVM, the spare, and the supervisor's thread. */
    public void start() {
        begin();
        new Thread(this::run, "imagefleet-supervisor").start();
    }

    /** Posts the start of every slot's worker JVM and the spare; the thread (or a test's {@link #runOnce()}) runs it. */
    void begin() {
        work.add(() -> {
            state = State.RUNNING;
            children.startAll(crashes.suspects());
        });
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

    private void run() {
        while (state != State.STOPPED) {
            try {
                Runnable r = work.poll(TICK_MS, TimeUnit.MILLISECONDS);
                if (r != null) {
                    r.run();
                }
                runOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("supervisor thread interrupted; killing the children");
                children.everyChild(Child::kill);
                exitCode = 1;
                state = State.STOPPED;
                stopped.countDown();
            } catch (RuntimeException e) {
                log.error("supervisor step failed; carrying on", e);
            }
        }
    }

    /** One turn: runs the work posted so far, then the periodic step, and publishes the slots' status. */
    void runOnce() {
        for (Runnable r = work.poll(); r != null; r = work.poll()) {
            r.run();
        }
        maintain();
        long now = nanos.getAsLong();
        status = children.slots().stream().map(s -> s.status(now)).toList();
        lastTickNanos = now;
        if (state == State.STOPPED) {
            stopped.countDown();
        }
    }

    // ---- messages ----

    private void onMessage(Child child, ControlMessage message) {
        if (message instanceof ControlMessage.Hello) {
            children.hello(child);
            return;
        }
        Slot slot = children.slotRunning(child);
        if (slot == null) {
            return;
        }
        long now = nanos.getAsLong();
        switch (message) {
            case ControlMessage.JobStarted m -> {
                slot.jobStarted(m.job());
                recycles.jobStarted(slot, now);
            }
            case ControlMessage.JobEnded m -> onJobEnded(slot, m, now);
            case ControlMessage.Committed m -> slot.committed(m.offsets());
            case ControlMessage.Assignment m -> onAssignment(slot, m, now);
            case ControlMessage.RecycleSoon m -> {
                if (state == State.RUNNING && slot.state() == SlotState.RUNNING && children.prepareAhead(slot)) {
                    recycles.soon(slot, now);
                }
            }
            case ControlMessage.RecycleRequest m -> onRecycleRequest(slot, m, now);
            case ControlMessage.Exiting m -> onExiting(slot, child, m, now);
            case ControlMessage.Heartbeat m -> slot.heartbeat(m, now);
            case ControlMessage.Metrics m -> childMetrics.put(slot.index, m.prometheus());
            default -> { }
        }
    }

    private void onJobEnded(Slot slot, ControlMessage.JobEnded m, long now) {
        if (slot.jobEnded(m.job(), m.outcome(), now) && crashes.answered(m.job())) {
            broadcastSuspects();
        }
    }

    private void onAssignment(Slot slot, ControlMessage.Assignment m, long now) {
        AssignmentChange change = slot.assignment(m, clock.instant());
        if (change.rebalance()) {
            log.info("slot-{} partitions {}: {} (now {})", slot.index, m.change().wireName(), m.partitions(), m.now());
        }
        listener.assignmentChanged(change);
        recycles.assigned(slot, now);
    }

    /**
     * A JVM's last word. After a recycle's drain it has committed and closed its consumer (staying
     * in the group) and its producer: its successor is told to go now, without waiting for the old
     * JVM's teardown and exit (a few hundred milliseconds of the recycle gap).
     */
    private void onExiting(Slot slot, Child child, ControlMessage.Exiting m, long now) {
        listener.exited(new ExitReport(slot.index, child.generation(), m.exitCode(), m.answered(), m.peakRssBytes(),
                m.admissionHighWater(), m.admissionCapacity()));
        if (m.exitCode() == ExitCodes.RECYCLE && slot.state() == SlotState.DRAINING && state == State.RUNNING) {
            childMetrics.remove(slot.index);
            exits.handOver(slot, child, now);
        }
    }

    private void onRecycleRequest(Slot slot, ControlMessage.RecycleRequest m, long now) {
        if (state != State.RUNNING || !(slot.state() == SlotState.RUNNING || slot.state() == SlotState.STARTING)) {
            return;
        }
        recycles.asked(slot, m, now);
        children.prepareSuccessor(slot);
    }

    // ---- exits ----

    private void onExit(Child child, int code) {
        long now = nanos.getAsLong();
        Slot slot = children.exited(child, code, now, state == State.RUNNING);
        if (slot == null) {
            checkStopped();
            return;
        }
        childMetrics.remove(slot.index);
        if (state == State.STOPPING) {
            uncleanStop |= code != ExitCodes.OK && code != ExitCodes.RECYCLE && code != ExitCodes.SIGTERM;
            log.info("slot-{} {} exited {}", slot.index, child, ExitCodes.describe(code));
            slot.exited(now);
            checkStopped();
        } else {
            exits.exited(slot, child, code, now);
        }
    }

    // ---- the periodic step ----

    private void maintain() {
        long now = nanos.getAsLong();
        if (state == State.STOPPING) {
            if (now - stopDeadlineNanos > 0) {
                uncleanStop |= children.killRemaining();
            }
            return;
        }
        if (state != State.RUNNING) {
            return;
        }
        children.respawnDue(now, crashes.suspects());
        recycles.maintain(now);
        recycles.maybeGrant(now, s -> children.successorReady(s) || Recycles.successorWaitOver(s, now));
        // The next spare starts once no recycle is under way and no successor is starting, so its start-up
        // never slows a rejoin or a first job, nor starts beside another JVM's.
        if (!recycles.underWay(now) && !children.successorStarting()) {
            children.maybeStartSpare(now);
        }
    }

    private void broadcastSuspects() {
        ControlMessage.Suspects suspects = new ControlMessage.Suspects(crashes.suspects());
        suspectCount = suspects.jobs().size();
        children.everyChild(c -> c.send(suspects));
    }

    // ---- stopping ----

    private void beginStop() {
        if (state == State.STOPPING || state == State.STOPPED) {
            return;
        }
        state = State.STOPPING;
        children.stopLaunching();
        stopDeadlineNanos = nanos.getAsLong() + config.shutdownGrace().toNanos();
        log.info("stopping: SIGTERM to every worker JVM; killing any left after {} s", config.shutdownGrace().toSeconds());
        children.slots().forEach(Slot::stopping);
        children.everyChild(Child::terminate);
        checkStopped();
    }

    private void checkStopped() {
        if (state != State.STOPPING || !children.allGone()) {
            return;
        }
        children.slots().forEach(recycles::stopped);
        exitCode = uncleanStop ? 1 : 0;
        state = State.STOPPED;
        log.info("every worker JVM has stopped{}", uncleanStop ? " (not all of them cleanly)" : "");
    }
}
