package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.consume.InFlight.Entry;
import io.imagefleet.worker.kernel.FailedResult;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.pipeline.JobLogContext;
import io.imagefleet.worker.pipeline.StagedJob;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The loop's stages: jobs ready to begin (retries that fell due first), their fetches on I/O
 * threads (many at once, bounded by {@link LoopSettings#ioJobs()} jobs ahead of the CPU and
 * {@link LoopSettings#ioBytes()} bytes held), the fetched jobs waiting for one of the
 * {@link LoopSettings#threads()} CPU threads, their stores back on I/O threads; the suspect that
 * runs alone, and which job each CPU thread runs (so a stuck thread's job can be reported). Stage
 * threads only run a step and post that it ended; the decisions stay with the poll thread. Owned
 * by the poll thread, except {@link #jobStuck} (any thread).
 *
 * <p>Longer than most classes here (about 390 lines): the scheduling of the three stages (fetches
 * ahead within the count and byte budgets, CPU threads, stores, suspects alone, deadlines while
 * waiting) shares one set of counters that must change together; the decisions on what a step's
 * end means are the answer policy's, not this class's.
 */
final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final ExecutorService pool;
    private final ExecutorService io;
    private final JobHandler handler;
    private final LoopSettings settings;
    private final Clock clock;
    private final Suspicions suspicions;
    private final LoopListener listener;
    private final InFlight book;
    private final Answers answers;
    private final Mailbox mailbox;
    /** Taken, not begun. */
    private final Deque<Taken> ready = new ArrayDeque<>();
    /** Fetched (or with nothing to fetch), waiting for a CPU thread. */
    private final Deque<Taken> fetched = new ArrayDeque<>();
    /** The attempts begun and not ended, with the bytes each holds (as of its last step). */
    private final Map<Taken, StagedJob> runs = new IdentityHashMap<>();
    private final Map<Taken, Long> heldBytes = new IdentityHashMap<>();
    /** The step each attempt runs on a stage thread now. */
    private final Map<Taken, StagedJob.Step> onThread = new IdentityHashMap<>();
    private final Map<Thread, Taken> running = new ConcurrentHashMap<>();
    private long held;
    /** Fetches running now. */
    private int fetching;
    /** CPU threads taken by a job (a stuck one stays taken until its job returns). */
    private int busy;
    /** The suspect running alone, while one does: nothing else starts until it ends. */
    private Entry isolated;

    JobRunner(ExecutorService pool, ExecutorService io, JobHandler handler, LoopSettings settings, Clock clock,
              LoopHooks hooks, InFlight book, Answers answers, Mailbox mailbox) {
        this.pool = pool;
        this.io = io;
        this.handler = handler;
        this.settings = settings;
        this.clock = clock;
        this.suspicions = hooks.suspicions();
        this.listener = hooks.listener();
        this.book = book;
        this.answers = answers;
        this.mailbox = mailbox;
    }

    void add(Taken t) {
        ready.add(t);
    }

    /** Whether jobs wait for a thread (with nothing to keep the CPU threads from taking them). */
    boolean waiting() {
        return !fetched.isEmpty() && busy < settings.threads()
                || isolated == null && !ready.isEmpty() && ahead() < settings.ioJobs() && held < settings.ioBytes();
    }

    /** Whether a job is on a stage thread now (fetching, computing or storing): its end will come as news. */
    boolean active() {
        return !onThread.isEmpty();
    }

    /** Whether the fetch budget is spent: as many jobs fetched or fetching as allowed, or as many bytes held. */
    boolean full() {
        return ahead() >= settings.ioJobs() || held >= settings.ioBytes();
    }

    /** Bytes the attempts hold now (fetched sources, encoded outputs), as of their last step. */
    long held() {
        return held;
    }

    /** Jobs fetched or fetching, not yet on a CPU thread. */
    private int ahead() {
        return fetching + fetched.size();
    }

    /** Drops the jobs not yet on a CPU thread in these partitions (all, when null); the book says what became of them. */
    void forget(Collection<TopicPartition> partitions) {
        forget(partitions, true);
    }

    /**
     * Drops the jobs not begun in these partitions (all, when null), and those fetched or
     * fetching unless {@code alsoFetched} is false; the book says what became of them.
     */
    void forget(Collection<TopicPartition> partitions, boolean alsoFetched) {
        ready.removeIf(t -> partitions == null || partitions.contains(t.tp));
        if (!alsoFetched) {
            return;
        }
        fetched.removeIf(t -> {
            boolean gone = partitions == null || partitions.contains(t.tp);
            if (gone) {
                ended(t);
            }
            return gone;
        });
    }

    /**
     * Starts what can start: fetched jobs on free CPU threads (one that waited past its deadline
     * is answered TIMEOUT instead), then fetches of waiting jobs while the fetch budget allows. An
     * expired job is answered EXPIRED without work; a suspect waits until nothing else is in
     * work and then runs alone; one that was in flight in too many crashes is answered instead.
     */
    void start() {
        if (isolated != null && book.find(isolated.tp, isolated.offset) != isolated) {
            isolated = null;
        }
        timeOutWaiting();
        startComputing();
        while (!ready.isEmpty() && isolated == null && ahead() < settings.ioJobs() && held < settings.ioBytes()) {
            Taken t = ready.peek();
            Entry e = book.find(t, InFlight.State.WAITING);
            if (e == null) {
                ready.poll();
                continue;
            }
            if (t.job.expiry() != null && clock.instant().isAfter(t.job.expiry())) {
                ready.poll();
                answers.expired(e, t);
                continue;
            }
            Optional<Suspicions.Suspicion> suspect = t.attempt > 1 ? Optional.empty() : suspicions.find(t.tp, t.offset());
            if (suspect.isPresent() && suspect.get().giveUp()) {
                ready.poll();
                answers.giveUp(e, t, suspect.get());
                continue;
            }
            if (suspect.isPresent()) {
                // Alone means nothing else even being published: a crash now must take nothing healthy with it.
                if (busy > 0 || ahead() > 0 || book.all().stream().anyMatch(o -> o != e && o.state != InFlight.State.WAITING)) {
                    break;
                }
                isolated = e;
                log.warn("job {} was in flight in {} crash(es) ({}); running it alone", t, suspect.get().crashes(),
                        suspect.get().history());
                // If it crashes the JVM again, nothing answered before it is run again.
                answers.commitNow();
            }
            ready.poll();
            begin(e, t);
        }
        // Jobs with nothing to fetch are ready for a CPU thread at once.
        startComputing();
    }

    /** Starts fetched jobs on free CPU threads (a drain finishing them), beginning no fetch. */
    void computeFetched() {
        timeOutWaiting();
        startComputing();
    }

    private void startComputing() {
        while (!fetched.isEmpty() && busy < settings.threads()) {
            compute(fetched.poll());
        }
    }

    /** Jobs whose deadline passed while they waited for a CPU thread: answered TIMEOUT, no thread taken. */
    private void timeOutWaiting() {
        fetched.removeIf(t -> {
            StagedJob run = runs.get(t);
            if (run == null || !run.expired()) {
                return false;
            }
            run.timeOut("waiting for a thread (" + busy + " of " + settings.threads() + " busy)");
            // Decided as any attempt's end is, when the mailbox is next read.
            mailbox.post(new Event.Processed(t, run.result(), "fetch"));
            return true;
        });
    }

    /** On the poll thread: the attempt begins (its deadline runs from now) with its fetch, unless it has none. */
    private void begin(Entry e, Taken t) {
        e.state = InFlight.State.FETCHING;
        // In flight from its fetch on: a source that kills the JVM (an out-of-memory, a crash in a
        // source's own code) makes the job a suspect like a decoder would.
        answers.begin(e);
        StagedJob run;
        try (JobLogContext.Scope scope = JobLogContext.scope(t.job.id(), t.tp + "@" + t.offset(), null)) {
            run = handler.begin(t.job, new JobContext(settings.workerId(), t.attempt, answers.queuedMs(t.record)));
        }
        runs.put(t, run);
        if (run.next() == StagedJob.Step.FETCH) {
            fetching++;
            onThread.put(t, StagedJob.Step.FETCH);
            io.execute(() -> {
                listener.jobRunning(PartitionRef.of(t.tp), t.offset());
                step(t, run);
            });
        } else {
            fetched.add(t);
        }
    }

    /** On the poll thread: a fetched job takes a CPU thread. */
    private void compute(Taken t) {
        Entry e = book.find(t, InFlight.State.FETCHING);
        StagedJob run = runs.get(t);
        if (e == null || run == null) {
            ended(t);
            return;
        }
        e.state = InFlight.State.RUNNING;
        answers.begin(e);
        busy++;
        onThread.put(t, StagedJob.Step.COMPUTE);
        pool.execute(() -> {
            listener.jobRunning(PartitionRef.of(t.tp), t.offset());
            step(t, run);
        });
    }

    /** On a stage thread: runs the attempt's next step and posts that it ended. Decides nothing. */
    private void step(Taken t, StagedJob run) {
        StagedJob.Step step = run.next();
        JobLogContext.enter(t.job.id(), t.tp + "@" + t.offset());
        running.put(Thread.currentThread(), t);
        try {
            run.run();
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", t, e);
            run.abandon();
            mailbox.post(new Event.Processed(t, FailedResult.of(t.job, new JobContext(settings.workerId(), t.attempt,
                    answers.queuedMs(t.record)), null, null, ErrorCode.INTERNAL, "unexpected " + e), JobLogContext.stage()));
            return;
        } finally {
            running.remove(Thread.currentThread());
        }
        if (run.next() == StagedJob.Step.DONE) {
            mailbox.post(new Event.Processed(t, run.result(), JobLogContext.stage()));
        } else {
            mailbox.post(new Event.Stepped(t, step));
        }
    }

    /** A step other than the last ended: the attempt moves on to its next stage, unless its record left the book. */
    void stepped(Taken t, StagedJob.Step step) {
        free(t);
        StagedJob run = runs.get(t);
        Entry e = book.find(t, step == StagedJob.Step.FETCH ? InFlight.State.FETCHING : InFlight.State.RUNNING);
        if (run == null || e == null) {
            ended(t);
            return;
        }
        holds(t, run.heldBytes());
        if (run.next() == StagedJob.Step.COMPUTE) {
            fetched.add(t);
        } else {
            onThread.put(t, run.next());
            io.execute(() -> step(t, run));
        }
    }

    /** An attempt came back with its result: the policy decides, unless the fact is stale. */
    void processed(Taken t, Result result, String stage, boolean stopping) {
        free(t);
        ended(t);
        try (JobLogContext.Scope scope = JobLogContext.scope(t.job.id(), t.tp + "@" + t.offset(), stage)) {
            Entry e = book.find(t.tp, t.offset());
            if (e == null || e.job != t || (e.state != InFlight.State.RUNNING && e.state != InFlight.State.FETCHING)) {
                log.warn("job {} came back after it was answered or its partition went; this result is dropped", t);
                return;
            }
            answers.begin(e);
            answers.decide(e, t, result, stopping);
        }
    }

    /** The attempt's step on a stage thread ended: its thread (or fetch slot) is free. */
    private void free(Taken t) {
        StagedJob.Step step = onThread.remove(t);
        if (step == StagedJob.Step.FETCH) {
            fetching--;
        } else if (step == StagedJob.Step.COMPUTE) {
            busy--;
        }
    }

    private void holds(Taken t, long bytes) {
        Long before = heldBytes.put(t, bytes);
        held += bytes - (before == null ? 0 : before);
    }

    /** The attempt left the stages: what it holds is given back. */
    private void ended(Taken t) {
        StagedJob run = runs.get(t);
        if (run != null) {
            ended(t, run);
        }
    }

    private void ended(Taken t, StagedJob run) {
        run.abandon();
        runs.remove(t);
        Long before = heldBytes.remove(t);
        held -= before == null ? 0 : before;
    }

    /** A retry's wait is over: it goes first in line, unless its record left the book meanwhile. */
    void retryDue(Taken next) {
        Entry e = book.find(next, InFlight.State.RETRY_WAIT);
        if (e != null) {
            e.state = InFlight.State.WAITING;
            ready.addFirst(next);
        }
    }

    /** See {@link ConsumerLoop#jobStuck}. */
    boolean jobStuck(Thread thread, Duration timeout, Duration overdue) {
        Taken t = running.get(thread);
        if (t == null || !t.reportStuck()) {
            return false;
        }
        mailbox.post(new Event.Stuck(t, "job ran past its deadline of " + timeout.toMillis() + " ms and its thread ("
                + thread.getName() + ") is still stuck " + overdue.toMillis() + " ms later; " + (thread.isVirtual()
                ? "the I/O thread is left behind (a virtual thread holds no CPU thread)"
                : "the worker JVM recycles to get the thread back")));
        return true;
    }

    /**
     * A job's thread is stuck past its deadline: the job is answered TIMEOUT. A stuck I/O step's
     * slot is given back now (its virtual thread is left behind); a CPU thread stays taken until
     * its job returns.
     */
    void stuck(Taken t, String message) {
        if (onThread.get(t) != StagedJob.Step.COMPUTE) {
            free(t);
        }
        answers.stuck(t, message);
    }

    void close() {
        pool.shutdownNow();
        io.shutdownNow();
        runs.values().forEach(StagedJob::abandon);
    }
}
