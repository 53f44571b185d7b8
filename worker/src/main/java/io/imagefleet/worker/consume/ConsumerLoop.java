package io.imagefleet.worker.consume;

import io.imagefleet.wire.InvalidJobException;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The worker's consumer loop. One thread, the poll thread, owns the consumer and decides every
 * job's fate: {@link #run()} loops {@link #runOnce()}, which polls, takes records into the
 * {@link InFlight} book, reads the {@link Mailbox} (what stage, timer and producer threads tell),
 * lets the {@link AnswerPolicy} decide, moves jobs on through their stages ({@link JobRunner}:
 * fetch and store on I/O threads, the pixel work on CPU threads), and commits.
 *
 * <p>Delivery is what the {@link Outbox} makes it. At least once ({@link DirectOutbox}): a
 * record's offset is committed only after its final answer (result, dead letter) has been
 * acknowledged by Kafka. Exactly once ({@link TransactionalOutbox}): answers and offsets are
 * written in one transaction. Either way jobs finish out of order, the committed position
 * advances only over contiguous finished offsets, and the offsets finished above it ride in the
 * commit's metadata so the next owner of the partition skips them. Commits happen every commit
 * interval, and synchronously on revocation and shutdown; a worker that dies loses nothing, since
 * whatever it had not committed is delivered again.
 *
 * <p>An answer Kafka refuses for good (a reply topic missing, invalid or not authorised, a record
 * too large) is answered {@code REPLY_FAILED} on the results topic and dead-lettered, so no job
 * holds its partition. When the loop holds as much as it may, partitions are paused and polling
 * goes on. {@link #stop()} (any thread) stops fetching, waits for the jobs in flight up to the
 * drain timeout, commits what finished (leaving the rest for redelivery) and closes.
 */
public final class ConsumerLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    /**
     * How long a poll waits for records while jobs are on stage threads: their ends are told through
     * the mailbox, which a poll does not watch, so the next stage (a store, the next fetched job on a
     * free CPU thread) starts within this. With the poll timeout's 100 ms instead, the job threads of
     * a 2x1 fleet were in jobs 0.65 of a bench run, with gaps of 170 ms at p90.
     */
    private static final Duration BUSY_POLL = Duration.ofMillis(20);

    /** The lifecycle of a loop. */
    public enum State { STARTING, RUNNING, DRAINING, STOPPED }

    private final Consumer<byte[], byte[]> consumer;
    private final LoopSettings settings;
    private final Clock clock;
    private final LoopListener listener;
    private final Mailbox mailbox = new Mailbox();
    private final InFlight book = new InFlight();
    private final OffsetTracker offsets = new OffsetTracker();
    private final Answers answers;
    private final JobRunner runner;
    private final JobCodec codec = new JobCodec();
    private final Backpressure backpressure;
    private final Rebalance rebalance;
    private final Drain drain;
    private long lastCommitMillis;
    private volatile boolean stopRequested;
    private volatile boolean remainInGroup;
    private volatile boolean finishFetched;
    private volatile State state = State.STARTING;

    /** A loop whose fetches and stores run on virtual threads of its own. */
    public ConsumerLoop(Consumer<byte[], byte[]> consumer, Outbox outbox, JobHandler handler, ExecutorService pool,
                        ScheduledExecutorService timer, Replies replies, LoopSettings settings, Clock clock,
                        LoopHooks hooks) {
        this(consumer, outbox, handler, new Stages(pool, Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("imagefleet-io-", 1).factory())), timer, replies, settings, clock, hooks);
    }

    /**
     * The threads a loop's stages run on: {@code cpu} runs the pixel work (sized to
     * {@link LoopSettings#threads()}), {@code io} the fetches and stores (unbounded: the loop bounds them).
     * The loop shuts both down when it stops.
     */
    public record Stages(ExecutorService cpu, ExecutorService io) {
    }

    public ConsumerLoop(Consumer<byte[], byte[]> consumer, Outbox outbox, JobHandler handler, Stages stages,
                        ScheduledExecutorService timer, Replies replies, LoopSettings settings, Clock clock,
                        LoopHooks hooks) {
        this.consumer = consumer;
        this.settings = settings;
        this.clock = clock;
        this.listener = hooks.listener();
        ReplyTopics topics = new ReplyTopics(hooks.topics(), mailbox, Set.of(replies.resultsTopic()), clock::millis);
        this.answers = new Answers(outbox, replies, topics, book, offsets, mailbox, timer,
                new AnswerPolicy(settings.retry(), () -> ThreadLocalRandom.current().nextDouble()), clock, listener,
                settings.workerId());
        this.runner = new JobRunner(stages.cpu(), stages.io(), handler, settings, clock, hooks, book, answers, mailbox);
        this.backpressure = new Backpressure(consumer, settings, book, runner);
        this.rebalance = new Rebalance(consumer, settings, clock, book, offsets, answers, runner, listener, backpressure.paused(),
                new Rebalance.Loop() {
                    @Override
                    public void hear(Duration wait) {
                        ConsumerLoop.this.hear(mailbox.drain(wait));
                        startRunning();
                    }

                    @Override
                    public State state() {
                        return state;
                    }
                });
        this.drain = new Drain(consumer, settings, clock, book, offsets, answers, runner, wait -> {
            hear(mailbox.drain(wait));
            hearAll();
        });
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
        answers.stopping();
        consumer.wakeup();
        mailbox.wake();
    }

    /**
     * Asks the loop to drain and stop for a recycle: it stays in the group, so that its successor,
     * with the same {@code group.instance.id}, takes its partitions back without a rebalance.
     *
     * @param finishFetched whether the drain also finishes the jobs whose fetch has begun (their
     *                      sources are paid for, and the slot's CPU threads stay busy until the
     *                      hand-over); false when a CPU thread is stuck and might never take them
     */
    public void recycle(boolean finishFetched) {
        remainInGroup = true;
        this.finishFetched = finishFetched;
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

    void subscribe() {
        consumer.subscribe(List.of(settings.jobsTopic()), rebalance);
        state = State.RUNNING;
        log.info("consuming {} as {} with {} threads", settings.jobsTopic(), settings.workerId(), settings.threads());
    }

    /** One turn: poll, take records, hear what happened, start waiting jobs, pause or resume, commit. */
    void runOnce() {
        // While stages run, poll briefly: a stage's end (news in the mailbox) must not wait out a long poll.
        Duration poll = holding() ? Duration.ZERO : runner.active() ? BUSY_POLL : settings.pollTimeout();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(poll)) {
            take(record);
        }
        hearAll();
        startRunning();
        hearAll();
        backpressure.apply();
        maybeCommit();
        listener.turned();
        if (holding()) {
            // Nothing a poll brings could start now: wait for news (a thread free, an answer taken) instead.
            hear(mailbox.drain(settings.pollTimeout()));
            startRunning();
        }
    }

    /** Whether jobs wait for a thread or the partitions are paused. */
    private boolean holding() {
        return runner.waiting() || backpressure.any();
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.track(tp, record.offset());
        if (offsets.answeredBefore(tp, record.offset())) {
            log.debug("{}@{} was answered by this partition's previous owner; skipped", tp, record.offset());
            offsets.finish(tp, record.offset());
            return;
        }
        Job job;
        try {
            job = codec.decode(record.value());
        } catch (InvalidJobException e) {
            String topic = answers.allowedOrResults(e.replyTo().orElse(null));
            answers.refuseInvalid(book.add(tp, record.offset(), e.jobId().orElse(""), null), record, e.jobId(), topic,
                    e.getMessage());
            return;
        }
        Replies.Route route = answers.route(record, job);
        if (route.problem() != null) {
            answers.refuseInvalid(book.add(tp, record.offset(), job.id(), null), record, Optional.of(job.id()),
                    answers.resultsTopic(), route.problem());
            return;
        }
        Taken t = new Taken(record, tp, job, route.topic(), 1);
        book.add(tp, record.offset(), job.id(), t);
        runner.add(t);
        answers.prefetch(route.topic());
    }

    /** Starts waiting jobs on free threads, unless the loop is stopping. */
    private void startRunning() {
        if (state == State.RUNNING) {
            runner.start();
        }
    }

    /** Hears what is in the mailbox now, and what that brings at once (an answer acknowledged as it is sent). */
    private void hearAll() {
        for (int round = 0; round < 3; round++) {
            List<Event> events = mailbox.drain(Duration.ZERO);
            if (events.isEmpty()) {
                return;
            }
            hear(events);
        }
    }

    /** What the mailbox brought: each fact goes to the part of the loop that decides about it. */
    private void hear(List<Event> events) {
        for (Event event : events) {
            switch (event) {
                case Event.Stepped s -> runner.stepped(s.job(), s.step());
                case Event.Processed p -> runner.processed(p.job(), p.result(), p.stage(), stopRequested);
                case Event.Stuck s -> runner.stuck(s.job(), s.message());
                case Event.Sent s -> answers.sent(s);
                case Event.Due d when d.what() instanceof Taken t -> runner.retryDue(t);
                case Event.Due d -> answers.resendDue((Outgoing) d.what());
                case Event.Checked c -> answers.checked(c.topic(), c.problem());
            }
        }
    }

    /**
     * A job's thread is stuck past the job's deadline and will not give up (a decoder that ignores
     * the abort): the loop answers the job TIMEOUT, so its partition moves on, and drops whatever
     * the thread returns later. The thread stays lost until the JVM recycles. Safe from any thread.
     *
     * @return whether this reported a job (false when the thread runs nothing of ours or it was reported already)
     */
    public boolean jobStuck(Thread thread, Duration timeout, Duration overdue) {
        return runner.jobStuck(thread, timeout, overdue);
    }

    /** Whether an entry's pixel work has not begun: a stop or revocation leaves it for redelivery. */
    static boolean notComputed(InFlight.Entry e) {
        return e.state == InFlight.State.WAITING || e.state == InFlight.State.FETCHING
                || e.state == InFlight.State.RETRY_WAIT;
    }

    private void maybeCommit() {
        if (answers.commitWanted()) {
            answers.commitNow();
        }
        long now = clock.millis();
        if (now - lastCommitMillis < settings.commitInterval().toMillis()) {
            return;
        }
        lastCommitMillis = now;
        answers.commit(offsets.committable(), false);
    }

    /** Drains (bounded), commits what finished, leaves the rest for redelivery, and closes the clients. */
    void shutdown() {
        state = State.DRAINING;
        try {
            drain.run(remainInGroup, finishFetched);
        } finally {
            state = State.STOPPED;
        }
    }
}
