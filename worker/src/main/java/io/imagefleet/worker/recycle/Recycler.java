package io.imagefleet.worker.recycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Decides when this worker JVM recycles and sets the recycle going. Triggers: jobs finished
 * (with jitter), the old generation over a ratio after a collection ({@link HeapPressure}), the
 * resident set over a limit ({@link ResidentSet}, polled), age (with jitter), and a job stuck past
 * its timeout ({@link #jobStuck}). The first trigger asks the {@link RecycleGate} once; when the
 * gate grants, the drain action runs (the consumer loop stops fetching, finishes, commits and
 * returns) and the JVM exits with the recycle code. Thread-safe.
 */
public final class Recycler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Recycler.class);
    private static final Duration RSS_POLL = Duration.ofSeconds(1);
    /** How long before its age limit a worker says it will recycle soon, at most. */
    private static final Duration AGE_LEAD = Duration.ofSeconds(10);

    private final RecyclePolicy policy;
    private final RecycleGate gate;
    private final LongSupplier inFlightBytes;
    private final ScheduledExecutorService timer;
    private final int jobLimit;
    private final Duration ageLimit;
    private final AtomicInteger jobs = new AtomicInteger();
    private final AtomicReference<RecycleReason> requested = new AtomicReference<>();
    private final AtomicBoolean announced = new AtomicBoolean();
    private final AtomicBoolean granted = new AtomicBoolean();
    private volatile Runnable drain = () -> { };
    private HeapPressure heap;
    private boolean closed;

    /**
     * @param inFlightBytes the heap the jobs in flight hold now (their admission reservations):
     *                      the heap trigger counts only what the old generation keeps beyond it,
     *                      since a large image being worked on is live, not leaked
     */
    public Recycler(RecyclePolicy policy, RecycleGate gate, ScheduledExecutorService timer, DoubleSupplier random,
                    LongSupplier inFlightBytes) {
        this.policy = policy;
        this.gate = gate;
        this.inFlightBytes = inFlightBytes;
        this.timer = timer;
        this.jobLimit = policy.jobLimit(random);
        this.ageLimit = policy.ageLimit(random);
    }

    /**
     * Starts the time- and memory-based triggers, on the timer's thread (nothing there is needed
     * before the first job, and the caller is about to start consuming); {@code drain} runs once
     * a recycle is granted.
     */
    public void start(Runnable drain) {
        this.drain = drain;
        timer.execute(this::startTriggers);
    }

    private synchronized void startTriggers() {
        if (closed) {
            return;
        }
        if (!ageLimit.isZero()) {
            Duration lead = ageLead(ageLimit);
            timer.schedule(this::announce, ageLimit.minus(lead).toMillis(), TimeUnit.MILLISECONDS);
            timer.schedule(() -> request(RecycleReason.AGE, "age reached " + ageLimit.toSeconds() + " s"),
                    ageLimit.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (policy.rssBytes() > 0) {
            ResidentSet.current().ifPresentOrElse(
                    rss -> timer.scheduleWithFixedDelay(this::checkRss, RSS_POLL.toMillis(), RSS_POLL.toMillis(),
                            TimeUnit.MILLISECONDS),
                    () -> log.warn("IMAGEFLEET_RECYCLE_RSS_BYTES is set but this system has no /proc/self/status; "
                            + "the RSS trigger is off"));
        }
        if (policy.heapRatio() > 0) {
            heap = HeapPressure.watch(policy.heapRatio(), this::checkHeap).orElse(null);
            if (heap == null) {
                log.warn("no heap pool of this JVM supports a collection usage threshold; the heap trigger is off");
            }
        }
        log.info("recycling after {} jobs, at {} of old generation after GC, at {} RSS, after {}",
                jobLimit == 0 ? "any number of" : jobLimit,
                policy.heapRatio() > 0 ? policy.heapRatio() : "any share",
                policy.rssBytes() > 0 ? policy.rssBytes() + " bytes" : "any",
                ageLimit.isZero() ? "any age" : ageLimit.toSeconds() + " s");
    }

    /** Counts a job that has its final result. */
    public void jobFinished() {
        int n = jobs.incrementAndGet();
        if (jobLimit > 0 && n >= jobLimit - soonMargin(jobLimit)) {
            announce();
        }
        if (jobLimit > 0 && n >= jobLimit) {
            request(RecycleReason.MAX_JOBS, n + " jobs done (limit " + jobLimit + ")");
        }
    }

    /** A job's thread is stuck past its timeout: only a new JVM gets the thread back. */
    public void jobStuck(String jobId, Duration stuckFor) {
        request(RecycleReason.STUCK_JOB, "job " + jobId + " stuck for " + stuckFor.toMillis() + " ms");
    }

    /**
     * How many jobs before its job limit a worker says it will recycle soon: a fifth of the
     * limit, at most 50, so that its successor has been built and has connected to the brokers
     * (about a hundred milliseconds of a core) before the drain, yet is held a short time.
     */
    static int soonMargin(int jobLimit) {
        return Math.min(jobLimit / 5, 50);
    }

    /** How long before the age limit a worker says it will recycle soon: a tenth of the limit, at most 10 s. */
    static Duration ageLead(Duration ageLimit) {
        Duration tenth = ageLimit.dividedBy(10);
        return tenth.compareTo(AGE_LEAD) < 0 ? tenth : AGE_LEAD;
    }

    /** Says once, ahead of a foreseeable request (jobs, age), that a recycle will be asked for soon. */
    private void announce() {
        if (requested.get() == null && announced.compareAndSet(false, true)) {
            log.debug("recycle soon: {} of {} jobs done", jobs.get(), jobLimit);
            gate.soon();
        }
    }

    /** Asks to recycle for this reason, unless a recycle was already asked for. */
    public void request(RecycleReason reason, String detail) {
        if (requested.compareAndSet(null, reason)) {
            log.info("recycle wanted: {} ({}); asking to go", reason.wireName(), detail);
            gate.ask(reason, detail, this::grant);
        }
    }

    private void grant() {
        if (granted.compareAndSet(false, true)) {
            log.info("recycling: {} after {} jobs", requested.get().wireName(), jobs.get());
            drain.run();
        }
    }

    private void checkHeap(HeapPressure.Exceeded e) {
        long inFlight = inFlightBytes.getAsLong();
        if (e.used() - inFlight >= e.threshold()) {
            request(RecycleReason.HEAP, e.describe(inFlight));
        } else {
            log.debug("old generation over the threshold but mostly jobs in flight: {}", e.describe(inFlight));
        }
    }

    private void checkRss() {
        ResidentSet.current().ifPresent(rss -> {
            if (rss > policy.rssBytes()) {
                request(RecycleReason.RSS, "RSS " + rss + " bytes over the limit of " + policy.rssBytes());
            }
        });
    }

    /** Whether a recycle was granted: the JVM then exits with the recycle code. */
    public boolean granted() {
        return granted.get();
    }

    /** The reason asked for, if any. */
    public Optional<RecycleReason> reason() {
        return Optional.ofNullable(requested.get());
    }

    /** Jobs finished so far. */
    public int jobsFinished() {
        return jobs.get();
    }

    /** This JVM's job limit after jitter; 0 when off. */
    public int jobLimit() {
        return jobLimit;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (heap != null) {
            heap.close();
        }
    }
}
