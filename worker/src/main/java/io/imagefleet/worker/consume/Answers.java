package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.consume.InFlight.Entry;
import io.imagefleet.worker.kernel.FailedResult;
import io.imagefleet.worker.kernel.JobContext;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The poll thread's hands for answers: it turns the {@link AnswerPolicy}'s decisions into
 * records (results, dead letters, retries scheduled), hands them to {@link Sending} (which gets
 * them to Kafka and finishes their offsets), has {@link Commits} commit them, and tells the
 * listeners. Owned by the poll thread.
 */
final class Answers {
    private static final Logger log = LoggerFactory.getLogger(Answers.class);

    private final Outbox outbox;
    private final Replies replies;
    private final ReplyTopics topics;
    private final InFlight book;
    private final OffsetTracker offsets;
    private final Mailbox mailbox;
    private final ScheduledExecutorService timer;
    private final AnswerPolicy policy;
    private final Clock clock;
    private final LoopListener listener;
    private final String workerId;
    private final Sending sending;
    private final Commits commits;

    Answers(Outbox outbox, Replies replies, ReplyTopics topics, InFlight book, OffsetTracker offsets, Mailbox mailbox,
            ScheduledExecutorService timer, AnswerPolicy policy, Clock clock, LoopListener listener, String workerId) {
        this.outbox = outbox;
        this.replies = replies;
        this.topics = topics;
        this.book = book;
        this.offsets = offsets;
        this.mailbox = mailbox;
        this.timer = timer;
        this.policy = policy;
        this.clock = clock;
        this.listener = listener;
        this.workerId = workerId;
        this.sending = new Sending(outbox, replies, topics, book, offsets, mailbox, timer, policy, clock, listener);
        this.commits = new Commits(outbox, offsets, sending, listener);
    }

    void stopping() {
        sending.stopping();
    }

    String resultsTopic() {
        return replies.resultsTopic();
    }

    Replies.Route route(ConsumerRecord<byte[], byte[]> record, Job job) {
        return replies.route(record, job);
    }

    String allowedOrResults(String named) {
        return replies.allowedOrResults(named);
    }

    void prefetch(String topic) {
        if (!topic.equals(replies.resultsTopic())) {
            topics.prefetch(topic);
        }
    }

    /** The entry's record now counts as in flight, for the listener (the supervisor's crash accounting). */
    void begin(Entry e) {
        if (!e.started) {
            e.started = true;
            listener.jobStarted(PartitionRef.of(e.tp), e.offset, e.jobId);
        }
    }

    /** A record that is not a valid job: dead-lettered with its bytes, and answered INVALID_JOB when it has an id. */
    void refuseInvalid(Entry e, ConsumerRecord<byte[], byte[]> record, Optional<String> id, String topic, String message) {
        log.warn("invalid job at {}@{}: {}", e.tp, e.offset, message);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(2);
        out.add(replies.deadLetter(record, ErrorCode.INVALID_JOB, message, 1, clock.instant()));
        Result failed = id.map(i -> FailedResult.of(Job.of(i, "", List.of()), context(1, queuedMs(record)), null, null,
                ErrorCode.INVALID_JOB, message)).orElse(null);
        if (failed != null) {
            out.add(replies.result(record, topic, failed));
        }
        begin(e);
        sending.deliver(e, new Outgoing(e.tp, e.offset, e.jobId, out, 1, new Replies.Answer(record, failed, ErrorCode.INVALID_JOB, 1)));
    }

    /** After an attempt: what the policy decides, done. */
    void decide(Entry e, Taken t, Result result, boolean stop) {
        switch (policy.afterAttempt(result, t.attempt, stop)) {
            case AnswerPolicy.Decision.Retry r -> {
                log.info("job {} failed {} on attempt {}: {}; trying again in {} ms", t, result.error().code(), t.attempt,
                        result.error().message(), r.delay().toMillis());
                listener.jobRetried(PartitionRef.of(e.tp), e.offset, e.jobId, result.error().code(), t.attempt);
                Taken next = t.next();
                e.job = next;
                e.state = InFlight.State.RETRY_WAIT;
                later(next, r.delay());
            }
            case AnswerPolicy.Decision.Answer a -> answer(e, t, result, a.deadLetter());
            case AnswerPolicy.Decision.Abandon a -> abandon(List.of(e));
        }
    }

    /** A job whose thread is stuck: answered TIMEOUT now; what the thread returns later is dropped. */
    void stuck(Taken t, String message) {
        Entry e = book.find(t, InFlight.State.RUNNING);
        e = e != null ? e : book.find(t, InFlight.State.FETCHING);
        if (e == null) {
            return;
        }
        log.error("job {}: {}", t, message);
        answer(e, t, FailedResult.of(t.job, context(t.attempt, queuedMs(t.record)), null, null, ErrorCode.TIMEOUT, message),
                false);
    }

    /** A job taken after its expiry: answered EXPIRED, nothing fetched. */
    void expired(Entry e, Taken t) {
        String message = "job expired at " + t.job.expiry() + " and was taken at " + clock.instant() + "; nothing was done";
        log.info("job {}: {}", t, message);
        begin(e);
        answer(e, t, FailedResult.of(t.job, context(t.attempt, queuedMs(t.record)), null, null, ErrorCode.EXPIRED, message),
                false);
    }

    /** A job that keeps killing worker JVMs: a WORKER_CRASHED result and a dead letter, without running it. */
    void giveUp(Entry e, Taken t, Suspicions.Suspicion suspect) {
        String message = "job was in flight in " + suspect.crashes() + " worker JVMs that died (" + suspect.history()
                + "); it is not run again";
        log.error("job {}: {}", t, message);
        begin(e);
        Result failed = FailedResult.of(t.job, context(suspect.crashes() + 1, queuedMs(t.record)), null, null,
                ErrorCode.WORKER_CRASHED, message);
        List<ProducerRecord<byte[], byte[]>> out = List.of(replies.result(t.record, t.replyTopic, failed),
                replies.deadLetter(t.record, ErrorCode.WORKER_CRASHED, message, suspect.crashes(), clock.instant()));
        sending.deliver(e, new Outgoing(e.tp, e.offset, e.jobId, out, 1,
                new Replies.Answer(t.record, failed, ErrorCode.WORKER_CRASHED, suspect.crashes())));
    }

    /** Sends the job's final answer: its result and, when retries are spent, a dead letter. */
    private void answer(Entry e, Taken t, Result result, boolean deadLetter) {
        if (result.succeeded()) {
            log.debug("job {} succeeded on attempt {}", t, t.attempt);
        } else {
            log.info("job {} failed {} on attempt {}: {}", t, result.error().code(), t.attempt, result.error().message());
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(2);
        out.add(replies.result(t.record, t.replyTopic, result));
        if (deadLetter) {
            out.add(replies.deadLetter(t.record, result.error().code(), result.error().message(), t.attempt,
                    clock.instant()));
        }
        sending.deliver(e, new Outgoing(e.tp, e.offset, e.jobId, out, 1,
                new Replies.Answer(t.record, result, deadLetter ? result.error().code() : null, t.attempt)));
    }

    /** A reply topic's check came back: the answers waiting for it go on. */
    void checked(String topic, String problem) {
        sending.checked(topic, problem);
    }

    /** Kafka took a unit's records, or refused some. */
    void sent(Event.Sent s) {
        sending.sent(s);
    }

    /** A unit's wait before it is sent again is over. */
    void resendDue(Outgoing unit) {
        sending.resendDue(unit);
    }

    /** Leaves these entries uncommitted (delivered again to whoever holds their partition next); returns how many. */
    int abandon(List<Entry> entries) {
        return sending.abandon(entries);
    }

    /** Whether an answer was acknowledged that should be committed before anything else can crash the JVM. */
    boolean commitWanted() {
        return sending.commitWanted();
    }

    /** Commits what finished, synchronously, before something that may crash the JVM ({@link Commits#commitNow}). */
    void commitNow() {
        commits.commitNow();
    }

    /** Commits these positions (and, exactly once, their answers); waits for the outcome when {@code sync}. */
    void commit(Map<TopicPartition, OffsetAndMetadata> positions, boolean sync) {
        commits.commit(positions, sync);
    }

    /** Reads where the previous owners of newly assigned partitions got to, and what they answered above it. */
    void resume(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        commits.resume(consumer, partitions);
    }

    /** Partitions gone: what is in flight there is abandoned, and what was staged for them dropped. */
    void forget(Collection<TopicPartition> partitions) {
        abandon(book.removeAll(partitions));
        offsets.forget(partitions);
        outbox.forget(partitions);
        sending.forget(partitions);
    }

    private void later(Object what, Duration delay) {
        timer.schedule(() -> mailbox.post(new Event.Due(what)), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Milliseconds from the record's timestamp to now. */
    long queuedMs(ConsumerRecord<byte[], byte[]> record) {
        return record.timestamp() < 0 ? 0 : Math.max(0, clock.millis() - record.timestamp());
    }

    private JobContext context(int attempt, long queuedMs) {
        return new JobContext(workerId, attempt, queuedMs);
    }

    void close() {
        timer.shutdownNow();
        try {
            // Everything it had to send was acknowledged or abandoned by now; nothing to wait for.
            outbox.close(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            log.warn("closing the producer failed: {}", e.toString());
        }
    }
}
