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
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The poll thread's hands for answers: it turns the {@link AnswerPolicy}'s decisions into
 * records, waits for a reply topic's check before handing a result to the producer, replaces
 * what Kafka refuses for good ({@code REPLY_FAILED} on the results topic and a dead letter; a
 * dead letter cut to fit), schedules retries and re-sends, finishes offsets once Kafka has the
 * answers, commits, and tells the listeners. Owned by the poll thread.
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
    /** Exactly once: answers staged with their offsets finished, told to the listener when their transaction commits. */
    private final Map<TopicPartition, Map<Long, Replies.Answer>> unwritten = new HashMap<>();
    private volatile boolean stopping;
    /** An answer that must not be given twice was acknowledged: commit it now, not at the next interval. */
    private boolean commitWanted;

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
    }

    void stopping() {
        stopping = true;
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
            listener.jobStarted(e.tp, e.offset, e.jobId);
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
        deliver(e, new Outgoing(e.tp, e.offset, e.jobId, out, 1, new Replies.Answer(record, failed, ErrorCode.INVALID_JOB, 1)));
    }

    /** After an attempt: what the policy decides, done. */
    void decide(Entry e, Taken t, Result result, boolean stop) {
        switch (policy.afterAttempt(result, t.attempt, stop)) {
            case AnswerPolicy.Decision.Retry r -> {
                log.info("job {} failed {} on attempt {}: {}; trying again in {} ms", t, result.error().code(), t.attempt,
                        result.error().message(), r.delay().toMillis());
                listener.jobRetried(e.tp, e.offset, e.jobId, result.error().code(), t.attempt);
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
        deliver(e, new Outgoing(e.tp, e.offset, e.jobId, out, 1,
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
        deliver(e, new Outgoing(e.tp, e.offset, e.jobId, out, 1,
                new Replies.Answer(t.record, result, deadLetter ? result.error().code() : null, t.attempt)));
    }

    /**
     * Hands a unit to the outbox once every reply topic in it is known to exist; a result for a
     * topic that cannot take it becomes REPLY_FAILED on the results topic. {@code e} is null for a
     * unit staged again after its transaction refused it (exactly once).
     */
    private void deliver(Entry e, Outgoing unit) {
        for (ProducerRecord<byte[], byte[]> r : unit.records()) {
            if (replies.kind(r) != Replies.Kind.REPLY) {
                continue;
            }
            ReplyTopics.Verdict v = topics.verdict(r.topic());
            if (v == null) {
                if (e != null) {
                    e.state = InFlight.State.TOPIC_CHECK;
                    e.unit = unit;
                }
                return;
            }
            if (!v.usable()) {
                deliver(e, replyFailed(unit, r, v.problem()));
                return;
            }
        }
        if (e != null) {
            e.state = InFlight.State.SENDING;
            e.unit = unit;
        }
        outbox.send(unit, mailbox::post);
    }

    /** A reply topic's check came back: the answers waiting for it go on. */
    void checked(String topic, String problem) {
        topics.checked(topic, problem);
        for (Entry e : book.all()) {
            if (e.state == InFlight.State.TOPIC_CHECK && e.unit.records().stream().anyMatch(r -> r.topic().equals(topic))) {
                deliver(e, e.unit);
            }
        }
    }

    /** Kafka took a unit's records, or refused some. */
    void sent(Event.Sent s) {
        Outgoing unit = s.unit();
        Entry e = book.find(unit.tp(), unit.offset());
        boolean current = e != null && e.unit == unit && e.state == InFlight.State.SENDING;
        if (!s.failed().isEmpty()) {
            if (current || (e == null && !outbox.writesOnSend())) {
                refused(unit, s.failed(), current ? e : null);
            }
            return;
        }
        if (current) {
            finish(e, unit.answer());
        } else if (e == null && !outbox.writesOnSend()) {
            // Staged again after a refused transaction: its offset finished before.
            unwritten.computeIfAbsent(unit.tp(), k -> new TreeMap<>()).put(unit.offset(), unit.answer());
        }
    }

    private void finish(Entry e, Replies.Answer answer) {
        offsets.finish(e.tp, e.offset);
        commitWanted |= answer.deadLetter() == ErrorCode.WORKER_CRASHED;
        book.remove(e);
        if (outbox.writesOnSend()) {
            replies.taken(answer);
        } else {
            unwritten.computeIfAbsent(e.tp, k -> new TreeMap<>()).put(e.offset, answer);
        }
        if (e.started) {
            listener.jobEnded(e.tp, e.offset, e.jobId, LoopListener.Outcome.ANSWERED);
        }
    }

    /** Records Kafka refused: sent again later, or replaced when sending again cannot help. */
    private void refused(Outgoing unit, Map<ProducerRecord<byte[], byte[]>, Exception> failed, Entry e) {
        List<ProducerRecord<byte[], byte[]>> again = new ArrayList<>();
        Outgoing next = unit.replace(List.of(), unit.answer());
        Duration wait = null;
        for (Map.Entry<ProducerRecord<byte[], byte[]>, Exception> f : failed.entrySet()) {
            ProducerRecord<byte[], byte[]> r = f.getKey();
            switch (policy.afterRefusal(replies.kind(r), f.getValue(), unit.sends(), stopping)) {
                case AnswerPolicy.Refusal.Resend rs -> {
                    again.add(r);
                    wait = wait == null || rs.delay().compareTo(wait) > 0 ? rs.delay() : wait;
                }
                case AnswerPolicy.Refusal.ReplyFailed rf -> next = replyFailed(next.replace(plus(next.records(), r),
                        next.answer()), r, rf.cause());
                case AnswerPolicy.Refusal.Cut c -> {
                    log.warn("dead letter of {}@{} refused as too large ({} bytes); sending it cut to half",
                            unit.tp(), unit.offset(), Replies.estimatedSize(r));
                    next = next.replace(plus(next.records(), replies.halved(r)), next.answer());
                }
                case AnswerPolicy.Refusal.Abandon a -> {
                    if (e != null) {
                        abandon(List.of(e));
                    }
                    return;
                }
            }
        }
        next = next.replace(plus(next.records(), again), next.answer());
        if (wait == null) {
            deliver(e, next);
            return;
        }
        log.warn("{} record(s) for {}@{} not taken by Kafka; sending again in {} ms", again.size(), unit.tp(),
                unit.offset(), wait.toMillis());
        if (e != null) {
            e.state = InFlight.State.RESEND_WAIT;
            e.unit = next;
        }
        later(next, wait);
    }

    /** A unit's wait before it is sent again is over. */
    void resendDue(Outgoing unit) {
        Entry e = book.find(unit.tp(), unit.offset());
        if (e != null && e.state == InFlight.State.RESEND_WAIT && e.unit == unit) {
            deliver(e, unit);
        } else if (e == null && !outbox.writesOnSend() && !stopping) {
            deliver(null, unit);
        }
    }

    /**
     * The unit with {@code refused} (a result its reply topic will not take) replaced by a
     * REPLY_FAILED result on the results topic, and a dead letter of the job if it had none.
     */
    private Outgoing replyFailed(Outgoing unit, ProducerRecord<byte[], byte[]> refused, String cause) {
        Replies.Answer was = unit.answer();
        Result replaced = Replies.replyFailed(was.result(), refused.topic(), cause);
        log.warn("job {} at {}@{}: {}", unit.jobId(), unit.tp(), unit.offset(), replaced.error().message());
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(unit.records());
        out.remove(refused);
        out.add(replies.result(was.job(), replies.resultsTopic(), replaced));
        ErrorCode dead = was.deadLetter();
        if (dead == null) {
            out.add(replies.deadLetter(was.job(), ErrorCode.REPLY_FAILED, replaced.error().message(), was.attempts(),
                    clock.instant()));
            dead = ErrorCode.REPLY_FAILED;
        }
        return unit.replace(out, new Replies.Answer(was.job(), replaced, dead, was.attempts()));
    }

    /** Leaves these entries uncommitted (delivered again to whoever holds their partition next); returns how many. */
    int abandon(List<Entry> entries) {
        for (Entry e : entries) {
            book.remove(e);
            if (e.started) {
                listener.jobEnded(e.tp, e.offset, e.jobId, LoopListener.Outcome.ABANDONED);
            }
        }
        return entries.size();
    }

    /** Whether an answer was acknowledged that should be committed before anything else can crash the JVM. */
    boolean commitWanted() {
        return commitWanted;
    }

    /**
     * Commits what finished, synchronously, before something that may crash the JVM: a suspect
     * running alone, or after a job was given up for crashing JVMs (issue 19: a poison job was
     * answered WORKER_CRASHED twice when the next crash came before the give-up's commit). A
     * failure is logged; the next interval's commit tries again.
     */
    void commitNow() {
        commitWanted = false;
        try {
            commit(offsets.committable(), true);
        } catch (ProducerFencedException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("commit before a possible crash failed (tried again at the next commit): {}", e.toString());
        }
    }

    /** Commits these positions (and, exactly once, their answers); waits for the outcome when {@code sync}. */
    void commit(Map<TopicPartition, OffsetAndMetadata> positions, boolean sync) {
        if (positions.isEmpty()) {
            return;
        }
        try {
            if (sync) {
                outbox.commit(positions);
                committed(positions);
            } else {
                outbox.commitSoon(positions, this::committed);
            }
        } catch (Outbox.Refused r) {
            log.warn("{}; committing again without them", r.getMessage());
            r.refused().forEach(s -> refused(s.unit(), s.failed(), null));
            if (sync) {
                commit(positions, true);
            }
        } catch (ProducerFencedException | RebalanceInProgressException e) {
            throw e;
        } catch (KafkaException e) {
            if (sync) {
                throw e;
            }
            log.warn("commit of {} failed (tried again at the next commit): {}", positions, e.toString());
        }
    }

    private void committed(Map<TopicPartition, OffsetAndMetadata> done) {
        offsets.committed(done);
        Map<TopicPartition, Long> positions = new HashMap<>();
        done.forEach((tp, om) -> {
            positions.put(tp, om.offset());
            Map<Long, Replies.Answer> written = unwritten.remove(tp);
            if (written != null) {
                written.values().forEach(replies::taken);
            }
        });
        listener.committed(positions);
    }

    /** Reads where the previous owners of newly assigned partitions got to, and what they answered above it. */
    void resume(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions),
                    Duration.ofSeconds(10));
            partitions.forEach(tp -> offsets.resume(tp, committed.get(tp)));
        } catch (KafkaException e) {
            log.warn("could not read the committed offsets of {} ({}); records answered above them may be answered again",
                    partitions, e.toString());
        }
    }

    /** Partitions gone: what is in flight there is abandoned, and what was staged for them dropped. */
    void forget(Collection<TopicPartition> partitions) {
        abandon(book.removeAll(partitions));
        offsets.forget(partitions);
        outbox.forget(partitions);
        partitions.forEach(unwritten::remove);
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

    private static List<ProducerRecord<byte[], byte[]>> plus(List<ProducerRecord<byte[], byte[]>> a,
                                                            ProducerRecord<byte[], byte[]> b) {
        return plus(a, List.of(b));
    }

    private static List<ProducerRecord<byte[], byte[]>> plus(List<ProducerRecord<byte[], byte[]>> a,
                                                            List<ProducerRecord<byte[], byte[]>> b) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
