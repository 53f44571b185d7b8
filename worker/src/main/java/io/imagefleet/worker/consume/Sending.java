package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.consume.InFlight.Entry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How the loop's answers reach Kafka: a unit waits for its reply topic's check, goes to the
 * {@link Outbox}, and when Kafka has all its records its offset is finished; what Kafka refuses
 * is sent again after a backoff, or, when sending again cannot help, replaced ({@code
 * REPLY_FAILED} on the results topic and a dead letter; a dead letter cut to fit). In exactly-once
 * mode the answers whose transaction is still to commit are kept here until it does. Owned by
 * the poll thread ({@link #stopping} from any thread).
 */
final class Sending {
    private static final Logger log = LoggerFactory.getLogger(Sending.class);

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
    /** Exactly once: answers staged with their offsets finished, told to the listener when their transaction commits. */
    private final Map<TopicPartition, Map<Long, Replies.Answer>> unwritten = new HashMap<>();
    private volatile boolean stopping;
    /** An answer that must not be given twice was acknowledged: commit it now, not at the next interval. */
    private boolean commitWanted;

    Sending(Outbox outbox, Replies replies, ReplyTopics topics, InFlight book, OffsetTracker offsets, Mailbox mailbox,
            ScheduledExecutorService timer, AnswerPolicy policy, Clock clock, LoopListener listener) {
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
    }

    void stopping() {
        stopping = true;
    }

    /** Whether an answer was acknowledged that should be committed at once; asking clears it. */
    boolean takeCommitWanted() {
        boolean wanted = commitWanted;
        commitWanted = false;
        return wanted;
    }

    /** Whether an answer was acknowledged that should be committed at once. */
    boolean commitWanted() {
        return commitWanted;
    }

    /** The answers of this partition whose transaction has committed: told as written, and forgotten here. */
    void written(TopicPartition tp) {
        Map<Long, Replies.Answer> written = unwritten.remove(tp);
        if (written != null) {
            written.values().forEach(replies::taken);
        }
    }

    /** Partitions gone: what was staged for them is dropped. */
    void forget(java.util.Collection<TopicPartition> partitions) {
        partitions.forEach(unwritten::remove);
    }

    /**
     * Hands a unit to the outbox once every reply topic in it is known to exist; a result for a
     * topic that cannot take it becomes REPLY_FAILED on the results topic. {@code e} is null for a
     * unit staged again after its transaction refused it (exactly once).
     */
    void deliver(Entry e, Outgoing unit) {
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
            listener.jobEnded(PartitionRef.of(e.tp), e.offset, e.jobId, LoopListener.Outcome.ANSWERED);
        }
    }

    /** Records Kafka refused: sent again later, or replaced when sending again cannot help. */
    void refused(Outgoing unit, Map<ProducerRecord<byte[], byte[]>, Exception> failed, Entry e) {
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
                listener.jobEnded(PartitionRef.of(e.tp), e.offset, e.jobId, LoopListener.Outcome.ABANDONED);
            }
        }
        return entries.size();
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

    private void later(Object what, Duration delay) {
        timer.schedule(() -> mailbox.post(new Event.Due(what)), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
}
