package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.consume.InFlight.Entry;
import io.imagefleet.worker.kernel.FailedResult;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.pipeline.JobLogContext;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * The loop's CPU stage: jobs ready to run (retries that fell due first), the pool threads that
 * run them, the suspect that runs alone, and which job each thread runs (so a stuck thread's job
 * can be reported). Pool threads only run the pipeline and post what came of it; the decisions
 * stay with the poll thread. Owned by the poll thread, except {@link #jobStuck} (any thread).
 */
final class JobRunner {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final ExecutorService pool;
    private final JobHandler handler;
    private final LoopSettings settings;
    private final Clock clock;
    private final Suspicions suspicions;
    private final LoopListener listener;
    private final InFlight book;
    private final Answers answers;
    private final Mailbox mailbox;
    private final Deque<Taken> ready = new ArrayDeque<>();
    private final Map<Thread, Taken> running = new ConcurrentHashMap<>();
    /** Pool threads taken by a job (a stuck one stays taken until its job returns). */
    private int busy;
    /** The suspect running alone, while one does: nothing else starts until it ends. */
    private Entry isolated;

    JobRunner(ExecutorService pool, JobHandler handler, LoopSettings settings, Clock clock, LoopHooks hooks,
              InFlight book, Answers answers, Mailbox mailbox) {
        this.pool = pool;
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

    /** Whether jobs wait for a thread. */
    boolean waiting() {
        return !ready.isEmpty();
    }

    /** Drops the jobs waiting in these partitions (all, when null); the book says what became of them. */
    void forget(Collection<TopicPartition> partitions) {
        ready.removeIf(t -> partitions == null || partitions.contains(t.tp));
    }

    /**
     * Starts jobs while the pool has room: retries that are due first, then waiting jobs. An
     * expired job is answered EXPIRED without work; a suspect waits until nothing else is started
     * and then runs alone; one that was in flight in too many crashes is answered instead of run.
     */
    void start() {
        if (isolated != null && book.find(isolated.tp, isolated.offset) != isolated) {
            isolated = null;
        }
        while (!ready.isEmpty() && isolated == null && busy < settings.threads()) {
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
                if (busy > 0 || book.all().stream().anyMatch(o -> o != e && o.state != InFlight.State.WAITING)) {
                    return;
                }
                isolated = e;
                log.warn("job {} was in flight in {} crash(es) ({}); running it alone", t, suspect.get().crashes(),
                        suspect.get().history());
            }
            ready.poll();
            e.state = InFlight.State.RUNNING;
            answers.begin(e);
            busy++;
            pool.execute(() -> process(t));
        }
    }

    /** On a pool thread: runs the attempt and posts what came of it. Decides nothing. */
    private void process(Taken t) {
        Result result;
        JobContext ctx = new JobContext(settings.workerId(), t.attempt, answers.queuedMs(t.record));
        running.put(Thread.currentThread(), t);
        JobLogContext.enter(t.job.id(), t.tp + "@" + t.offset());
        try {
            listener.jobRunning(t.tp, t.offset());
            result = handler.process(t.job, ctx);
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", t, e);
            result = FailedResult.of(t.job, ctx, null, null, ErrorCode.INTERNAL, "unexpected " + e);
        } finally {
            running.remove(Thread.currentThread());
        }
        mailbox.post(new Event.Processed(t, result, JobLogContext.stage()));
    }

    /** An attempt came back: its thread is free; the policy decides, unless the fact is stale. */
    void processed(Taken t, Result result, String stage, boolean stopping) {
        busy--;
        try (JobLogContext.Scope scope = JobLogContext.scope(t.job.id(), t.tp + "@" + t.offset(), stage)) {
            Entry e = book.find(t, InFlight.State.RUNNING);
            if (e == null) {
                log.warn("job {} came back after it was answered or its partition went; this result is dropped", t);
                return;
            }
            answers.decide(e, t, result, stopping);
        }
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
                + thread.getName() + ") is still stuck " + overdue.toMillis()
                + " ms later; the worker JVM recycles to get the thread back"));
        return true;
    }

    void close() {
        pool.shutdownNow();
    }
}
