package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.InvalidJobException;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.pipeline.JobContext;
import io.imagefleet.worker.pipeline.JobLogContext;
import io.imagefleet.worker.pipeline.Pipeline;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's consumer loop. One thread, the poll thread, owns the consumer: {@link #run()}
 * loops {@link #runOnce()}, which polls, hands jobs to a bounded pool, takes back the finished
 * ones and commits.
 *
 * <p>Delivery is what the {@link Outbox} makes it. At least once ({@link DirectOutbox}): a
 * record's offset is committed only after its final answer (result, dead letter) has been
 * acknowledged by Kafka. Exactly once ({@link TransactionalOutbox}): answers and offsets are
 * written in one transaction. Either way jobs finish out of order and the committed position
 * advances only over contiguous finished offsets, every commit interval, and synchronously on
 * revocation and shutdown; a worker that dies loses nothing, since whatever it had not committed
 * is delivered again.
 *
 * <p>A retryable failure ({@code SOURCE_UNAVAILABLE}, {@code OUTPUT_FAILED}) is tried again
 * after a jittered exponential backoff, on a timer (never on the poll thread), up to the retry
 * policy's attempts; the last one is answered failed and dead-lettered. A result that Kafka does
 * not take is sent again with the same backoff until it is taken or the loop stops. When the
 * pool is busy the partitions are paused and polling goes on, so a slow job never holds up the
 * group. {@link #stop()} (any thread) stops fetching, finishes the jobs in flight within the
 * drain timeout, commits and closes.
 */
public final class ConsumerLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** The lifecycle of a loop. */
    public enum State { STARTING, RUNNING, DRAINING, STOPPED }

    private final Consumer<byte[], byte[]> consumer;
    private final Outbox outbox;
    private final JobHandler handler;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final Replies replies;
    private final LoopSettings settings;
    private final Clock clock;
    private final LoopListener listener;
    private final Suspicions suspicions;
    private final JobCodec codec = new JobCodec();
    private final OffsetTracker offsets = new OffsetTracker();
    private final Deque<Taken> waiting = new ArrayDeque<>();
    private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    /** Retries whose wait is over, handed from the timer to the poll thread. */
    private final ConcurrentLinkedQueue<Taken> retriesDue = new ConcurrentLinkedQueue<>();
    /** Retries waiting for their time (or due and not yet restarted). */
    private final Set<Taken> retrying = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, Integer> startedPerPartition = new HashMap<>();
    private final AtomicInteger processing = new AtomicInteger();
    /**
     * Released when a pool thread comes free, a unit completes or a retry falls due: wakes a poll
     * thread that has nothing to fetch.
     */
    private final Semaphore progress = new Semaphore(0);
    /** The job each pool thread runs now, so a stuck thread's job can be answered. */
    private final Map<Thread, Taken> running = new ConcurrentHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Set<TopicPartition> assigned = new HashSet<>();
    /** The suspect running alone, while one does: nothing else starts until it ends. */
    private Taken isolated;
    /** Records started (processing, waiting to retry, or being published) and not yet completed. */
    private int started;
    private long lastCommitMillis;
    private volatile boolean stopRequested;
    private volatile boolean remainInGroup;
    private volatile State state = State.STARTING;

    public ConsumerLoop(Consumer<byte[], byte[]> consumer, Outbox outbox, JobHandler handler, ExecutorService pool,
                        ScheduledExecutorService timer, Replies replies, LoopSettings settings, Clock clock,
                        LoopHooks hooks) {
        this.consumer = consumer;
        this.outbox = outbox;
        this.handler = handler;
        this.pool = pool;
        this.timer = timer;
        this.replies = replies;
        this.settings = settings;
        this.clock = clock;
        this.listener = hooks.listener();
        this.suspicions = hooks.suspicions();
    }

    public State state() {
        return state;
    }

    /**
     * Asks the loop to drain and stop, leaving the group so that its partitions go to the other
     * members at once (this worker is going away); safe from any thread, including a signal handler.
     */
    public void stop() {
        stopRequested = true;
        consumer.wakeup();
        progress.release();
    }

    /**
     * Asks the loop to drain and stop for a recycle: it stays in the group, so that its successor,
     * with the same {@code group.instance.id}, takes its partitions back without a rebalance.
     */
    public void recycle() {
        remainInGroup = true;
        stop();
    }

    @Override
    public void run() {
        subscribe();
        try {
            while (!stopRequested) {
                runOnce();
            }
        } catch (WakeupException e) {
            if (!stopRequested) {
                throw e;
            }
        } catch (ProducerFencedException e) {
            log.error("another worker has taken this worker's transactional.id; stopping without committing more");
        } finally {
            shutdown();
        }
    }

    /** Drains (bounded), commits what finished and closes the clients. */
    void shutdown() {
        try {
            drain();
        } finally {
            close();
        }
    }

    void subscribe() {
        consumer.subscribe(List.of(settings.jobsTopic()), new Rebalance());
        state = State.RUNNING;
        log.info("consuming {} as {} with {} threads", settings.jobsTopic(), settings.workerId(), settings.threads());
    }

    /** One turn: poll, take records, collect finished jobs, start waiting ones, pause or resume, commit. */
    void runOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(blocked() ? Duration.ZERO : settings.pollTimeout());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            take(record);
        }
        collectCompletions();
        startWaiting();
        applyBackpressure();
        maybeCommit();
        listener.turned();
        if (blocked()) {
            awaitProgress(settings.pollTimeout());
        }
    }

    /**
     * Whether jobs wait for a thread or the partitions are paused. Then nothing a poll brings can
     * start now, and the poll thread waits for a thread to come free instead of sitting in
     * {@code poll}, so the next job starts the moment one does.
     */
    private boolean blocked() {
        return !waiting.isEmpty() || !paused.isEmpty();
    }

    private void awaitProgress(Duration timeout) {
        try {
            if (progress.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                progress.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A unit is done (sent and acknowledged, or given up): the poll thread takes it from here. */
    private void completed(Completion c) {
        completions.add(c);
        progress.release();
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.track(tp, record.offset());
        try {
            waiting.add(new Taken(record, tp, codec.decode(record.value())));
        } catch (InvalidJobException e) {
            rejectInvalid(record, tp, e);
        }
    }

    /** A record that is not a valid job: dead-lettered with its bytes, and answered when it has an id. */
    private void rejectInvalid(ConsumerRecord<byte[], byte[]> record, TopicPartition tp, InvalidJobException e) {
        log.warn("invalid job at {}@{}: {}", tp, record.offset(), e.getMessage());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(2);
        out.add(replies.deadLetter(record, ErrorCode.INVALID_JOB, e.getMessage(), 1, clock.instant()));
        e.jobId().ifPresent(id -> {
            Job stub = Job.of(id, "", List.of());
            JobContext ctx = new JobContext(settings.workerId(), 1, queuedMs(record));
            Result failed = Pipeline.failed(stub, ctx, null, null, ErrorCode.INVALID_JOB, e.getMessage());
            out.add(replies.result(record, e.replyTo().orElse(null), failed));
        });
        Outgoing unit = new Outgoing(tp, record.offset(), e.jobId().orElse(""), out, 1);
        begin(unit);
        outbox.send(unit, this::completed);
    }

    /**
     * Starts jobs while the pool has room: retries that are due first, then waiting jobs. A
     * suspect waits until nothing else is started and then runs alone; one that was in flight in
     * too many crashes is answered instead of run.
     */
    private void startWaiting() {
        Taken due;
        while ((due = retriesDue.poll()) != null) {
            retrying.remove(due);
            if (!due.cancelled()) {
                waiting.addFirst(due);
            }
        }
        while (!waiting.isEmpty() && isolated == null && processing.get() < settings.threads()) {
            Taken t = waiting.peek();
            Optional<Suspicions.Suspicion> suspect = t.attempt > 1 ? Optional.empty() : suspicions.find(t.tp, t.offset());
            if (suspect.isPresent() && suspect.get().giveUp()) {
                waiting.poll();
                giveUp(t, suspect.get());
                continue;
            }
            if (suspect.isPresent()) {
                // Alone means nothing else even being published: a crash now must take nothing healthy with it.
                if (started > 0) {
                    return;
                }
                isolated = t;
                log.warn("job {} was in flight in {} crash(es) ({}); running it alone", t, suspect.get().crashes(),
                        suspect.get().history());
            }
            waiting.poll();
            processing.incrementAndGet();
            if (t.attempt == 1) {
                begin(t.unit(List.of()));
            }
            pool.execute(() -> process(t));
        }
    }

    /** Answers a job that keeps killing worker JVMs: a WORKER_CRASHED result and a dead letter. */
    private void giveUp(Taken t, Suspicions.Suspicion suspect) {
        String message = "job was in flight in " + suspect.crashes() + " worker JVMs that died (" + suspect.history()
                + "); it is not run again";
        log.error("job {}: {}", t, message);
        JobContext ctx = new JobContext(settings.workerId(), suspect.crashes() + 1, queuedMs(t.record));
        Result failed = Pipeline.failed(t.job, ctx, null, null, ErrorCode.WORKER_CRASHED, message);
        Outgoing unit = t.unit(List.of(
                replies.result(t.record, t.job.replyTo(), failed),
                replies.deadLetter(t.record, ErrorCode.WORKER_CRASHED, message, suspect.crashes(), clock.instant())));
        begin(unit);
        outbox.send(unit, this::completed);
    }

    /** On a pool thread: process, then answer, or schedule the next attempt of a retryable failure. */
    private void process(Taken t) {
        Result result;
        JobContext ctx = new JobContext(settings.workerId(), t.attempt, queuedMs(t.record));
        running.put(Thread.currentThread(), t);
        JobLogContext.enter(t.job.id(), t.tp + "@" + t.offset());
        try {
            result = handler.process(t.job, ctx);
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", t, e);
            result = Pipeline.failed(t.job, ctx, null, null, ErrorCode.INTERNAL, "unexpected " + e);
        } finally {
            running.remove(Thread.currentThread());
            processing.decrementAndGet();
            progress.release();
        }
        if (!result.succeeded() && result.error().code().retryable() && settings.retry().mayRetry(t.attempt)) {
            if (stopRequested) {
                // Not answered failed while attempts are left: left uncommitted, tried again after the restart.
                completed(Completion.abandoned(t.unit(List.of())));
            } else {
                retryLater(t, result);
            }
            return;
        }
        if (!t.claim()) {
            log.warn("job {} came back after it was answered TIMEOUT; this result is dropped", t);
            return;
        }
        answer(t, result);
    }

    private void retryLater(Taken t, Result result) {
        Duration delay = settings.retry().delay(t.attempt, () -> ThreadLocalRandom.current().nextDouble());
        log.info("job {} failed {} on attempt {} of {}: {}; trying again in {} ms", t, result.error().code(), t.attempt,
                settings.retry().maxAttempts(), result.error().message(), delay.toMillis());
        Taken next = t.next();
        retrying.add(next);
        timer.schedule(() -> {
            if (!next.cancelled()) {
                retriesDue.add(next);
                progress.release();
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends the job's final answer: its result and, when retries are spent, a dead letter. */
    private void answer(Taken t, Result result) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(2);
        out.add(replies.result(t.record, t.job.replyTo(), result));
        if (result.succeeded()) {
            log.debug("job {} succeeded on attempt {}", t, t.attempt);
        } else {
            log.info("job {} failed {} on attempt {}: {}", t, result.error().code(), t.attempt, result.error().message());
            if (result.error().code().retryable()) {
                out.add(replies.deadLetter(t.record, result.error().code(), result.error().message(), t.attempt,
                        clock.instant()));
            }
        }
        outbox.send(t.unit(out), this::completed);
    }

    /**
     * A job's thread is stuck past the job's deadline and will not give up (a decoder that ignores
     * the abort): the job is answered TIMEOUT now, so its partition moves on, and whatever the
     * thread returns later is dropped. The thread stays lost until the JVM recycles. Safe from any
     * thread.
     *
     * @return whether a job was answered (false when the thread runs nothing of ours or it was answered already)
     */
    public boolean jobStuck(Thread thread, Duration timeout, Duration overdue) {
        Taken t = running.get(thread);
        if (t == null || !t.claim()) {
            return false;
        }
        String message = "job ran past its deadline of " + timeout.toMillis() + " ms and its thread (" + thread.getName()
                + ") is still stuck " + overdue.toMillis() + " ms later; the worker JVM recycles to get the thread back";
        log.error("job {}: {}", t, message);
        JobContext ctx = new JobContext(settings.workerId(), t.attempt, queuedMs(t.record));
        Result failed = Pipeline.failed(t.job, ctx, null, null, ErrorCode.TIMEOUT, message);
        outbox.send(t.unit(List.of(replies.result(t.record, t.job.replyTo(), failed))), this::completed);
        return true;
    }

    private long queuedMs(ConsumerRecord<byte[], byte[]> record) {
        return record.timestamp() < 0 ? 0 : Math.max(0, clock.millis() - record.timestamp());
    }

    /** Waits up to the timeout for one completion, then collects all there are. */
    private void awaitCompletion(Duration timeout) {
        try {
            Completion c = completions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (c != null) {
                complete(c);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        collectCompletions();
    }

    private void collectCompletions() {
        Completion c;
        while ((c = completions.poll()) != null) {
            complete(c);
        }
    }

    private void complete(Completion c) {
        Outgoing unit = c.unit();
        if (c.abandoned()) {
            end(unit, LoopListener.Outcome.ABANDONED);
        } else if (c.failed().isEmpty()) {
            if (offsets.finish(unit.tp(), unit.offset())) {
                outbox.answered(unit);
            }
            end(unit, LoopListener.Outcome.ANSWERED);
        } else if (stopRequested) {
            // Left uncommitted: whoever takes the partition next answers it again.
            end(unit, LoopListener.Outcome.ABANDONED);
        } else {
            Outgoing again = unit.resend(c.failed());
            Duration delay = settings.retry().delay(unit.sends(), () -> ThreadLocalRandom.current().nextDouble());
            log.warn("{} records for {}@{} not taken by Kafka; sending again in {} ms", c.failed().size(), unit.tp(),
                    unit.offset(), delay.toMillis());
            timer.schedule(() -> outbox.send(again, this::completed), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void begin(Outgoing unit) {
        started++;
        startedPerPartition.merge(unit.tp(), 1, Integer::sum);
        listener.jobStarted(unit.tp(), unit.offset(), unit.jobId());
    }

    private void end(Outgoing unit, LoopListener.Outcome outcome) {
        started--;
        startedPerPartition.merge(unit.tp(), -1, (a, b) -> a + b == 0 ? null : a + b);
        if (isolated != null && isolated.tp.equals(unit.tp()) && isolated.offset() == unit.offset()) {
            isolated = null;
        }
        listener.jobEnded(unit.tp(), unit.offset(), unit.jobId(), outcome);
    }

    /** Gives up the retries waiting in these partitions (all, when null): left uncommitted, delivered again. */
    private void abandonRetries(Collection<TopicPartition> partitions) {
        for (Taken t : List.copyOf(retrying)) {
            if ((partitions == null || partitions.contains(t.tp)) && t.cancel()) {
                retrying.remove(t);
                end(t.unit(List.of()), LoopListener.Outcome.ABANDONED);
            }
        }
        waiting.removeIf(t -> {
            if (t.attempt > 1 && (partitions == null || partitions.contains(t.tp)) && t.cancel()) {
                end(t.unit(List.of()), LoopListener.Outcome.ABANDONED);
                return true;
            }
            return false;
        });
    }

    /** Pauses every assigned partition while the loop holds as much as it may, resumes when it has room. */
    private void applyBackpressure() {
        boolean full = waiting.size() + started >= settings.maxInFlight();
        if (full) {
            Set<TopicPartition> toPause = new HashSet<>(consumer.assignment());
            toPause.removeAll(paused);
            if (!toPause.isEmpty()) {
                consumer.pause(toPause);
                paused.addAll(toPause);
            }
        } else if (!paused.isEmpty()) {
            paused.retainAll(consumer.assignment());
            consumer.resume(paused);
            paused.clear();
        }
    }

    private void maybeCommit() {
        long now = clock.millis();
        if (now - lastCommitMillis < settings.commitInterval().toMillis()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> ready = offsets.committable();
        if (ready.isEmpty()) {
            return;
        }
        lastCommitMillis = now;
        outbox.commitSoon(ready, this::committed);
    }

    private void committed(Map<TopicPartition, OffsetAndMetadata> done) {
        offsets.committed(done);
        Map<TopicPartition, Long> positions = new HashMap<>();
        done.forEach((tp, om) -> positions.put(tp, om.offset()));
        listener.committed(positions);
    }

    /** Stops fetching, waits for started jobs up to the drain timeout, and commits what finished. */
    private void drain() {
        state = State.DRAINING;
        abandonRetries(null);
        int abandoned = waiting.size();
        waiting.clear();
        long deadline = clock.millis() + settings.drainTimeout().toMillis();
        log.info("draining: {} in flight, {} not started (left for redelivery)", started, abandoned);
        try {
            consumer.pause(consumer.assignment());
            while (started > 0 && clock.millis() < deadline) {
                pollWhileDraining();
                awaitCompletion(settings.pollTimeout());
            }
            collectCompletions();
            if (started > 0) {
                log.warn("drain timed out after {} with {} jobs in flight; they stay uncommitted",
                        settings.drainTimeout(), started);
            }
            commitBeforeClosing(deadline);
        } catch (RuntimeException e) {
            log.error("drain failed; uncommitted jobs will be delivered again", e);
        }
    }

    /** Polls (to stay in the group and let a rebalance finish) without taking anything. */
    private void pollWhileDraining() {
        try {
            ConsumerRecords<byte[], byte[]> late = consumer.poll(settings.pollTimeout());
            if (!late.isEmpty()) {
                // Assigned during the drain: not taken, so not committed; redelivered.
                consumer.pause(consumer.assignment());
            }
        } catch (WakeupException e) {
            // stop() called again; keep draining
        }
    }

    /**
     * Commits what finished, synchronously. A group in the middle of a rebalance refuses commits
     * until the members have rejoined, so on that refusal the loop polls (which rejoins, and runs
     * the revocation that commits revoked partitions) and tries again, until the drain deadline.
     */
    private void commitBeforeClosing(long deadline) {
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> ready = offsets.committable();
            if (ready.isEmpty()) {
                return;
            }
            try {
                outbox.commit(ready);
                committed(ready);
                return;
            } catch (RebalanceInProgressException e) {
                if (clock.millis() >= deadline) {
                    log.warn("the group was still rebalancing at the drain deadline; {} stays uncommitted", ready);
                    return;
                }
                log.info("a rebalance is in progress; finishing it before committing {}", ready);
                pollWhileDraining();
            }
        }
    }

    private void close() {
        pool.shutdownNow();
        timer.shutdownNow();
        try {
            // Bounded: a close during a rebalance would otherwise wait the default 30 s for it.
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(remainInGroup
                    ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (RuntimeException e) {
            log.warn("closing the consumer failed: {}", e.toString());
        }
        try {
            // Everything it had to send was acknowledged or abandoned by now; nothing to wait for.
            outbox.close(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            log.warn("closing the producer failed: {}", e.toString());
        }
        state = State.STOPPED;
        log.info("stopped");
    }

    /** Commits what finished in revoked partitions, after waiting (bounded) for their jobs. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            waiting.removeIf(t -> t.attempt == 1 && revoked.contains(t.tp));
            abandonRetries(revoked);
            long deadline = clock.millis() + settings.revokeTimeout().toMillis();
            while (revoked.stream().anyMatch(startedPerPartition::containsKey) && clock.millis() < deadline) {
                awaitCompletion(settings.pollTimeout());
                startWaiting();
            }
            try {
                Map<TopicPartition, OffsetAndMetadata> ready = offsets.committable(revoked);
                if (!ready.isEmpty()) {
                    outbox.commit(ready);
                    committed(ready);
                }
            } catch (RuntimeException e) {
                log.warn("commit on revocation of {} failed: {}", revoked, e.toString());
            }
            forget(revoked);
            log.info("partitions revoked: {}", revoked);
            report("revoked", revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            waiting.removeIf(t -> t.attempt == 1 && lost.contains(t.tp));
            abandonRetries(lost);
            forget(lost);
            log.warn("partitions lost: {}", lost);
            report("lost", lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (state == State.DRAINING && !partitions.isEmpty()) {
                consumer.pause(partitions);
            }
            assigned.addAll(partitions);
            log.info("partitions assigned: {}", partitions);
            report("assigned", partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            offsets.forget(partitions);
            outbox.forget(partitions);
            paused.removeAll(partitions);
            assigned.removeAll(partitions);
        }

        private void report(String change, Collection<TopicPartition> partitions) {
            if (state == State.RUNNING && !partitions.isEmpty()) {
                listener.assignmentChanged(change, partitions, Set.copyOf(assigned));
            }
        }
    }
}
