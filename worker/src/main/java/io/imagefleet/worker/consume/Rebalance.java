package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the loop does when partitions come and go. Revoked: jobs not yet computing there are left
 * for the next owner, those computing are waited for (bounded by the revoke timeout), what
 * finished is committed, and the rest is abandoned. Lost: everything there is abandoned (another
 * member owns them already; committing is no longer possible). Assigned: the previous owner's
 * position and the offsets it answered above it are read, so nothing it answered is run again.
 * Called on the poll thread, inside {@code poll}.
 */
final class Rebalance implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(Rebalance.class);

    /** What a rebalance needs of its loop. */
    interface Loop {
        /** Hears what the mailbox brings within {@code wait}, and starts what can start. */
        void hear(Duration wait);

        ConsumerLoop.State state();
    }

    private final Consumer<byte[], byte[]> consumer;
    private final LoopSettings settings;
    private final Clock clock;
    private final InFlight book;
    private final OffsetTracker offsets;
    private final Answers answers;
    private final JobRunner runner;
    private final LoopListener listener;
    private final Set<TopicPartition> paused;
    private final Loop loop;
    private final Set<TopicPartition> assigned = new HashSet<>();

    Rebalance(Consumer<byte[], byte[]> consumer, LoopSettings settings, Clock clock, InFlight book, OffsetTracker offsets,
              Answers answers, JobRunner runner, LoopListener listener, Set<TopicPartition> paused, Loop loop) {
        this.consumer = consumer;
        this.settings = settings;
        this.clock = clock;
        this.book = book;
        this.offsets = offsets;
        this.answers = answers;
        this.runner = runner;
        this.listener = listener;
        this.paused = paused;
        this.loop = loop;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        if (revoked.isEmpty()) {
            return;
        }
        runner.forget(revoked);
        answers.abandon(book.all().stream().filter(e -> revoked.contains(e.tp) && ConsumerLoop.notComputed(e)).toList());
        long deadline = clock.millis() + settings.revokeTimeout().toMillis();
        while (book.holdsAny(revoked) && clock.millis() < deadline) {
            loop.hear(settings.pollTimeout());
        }
        try {
            answers.commit(offsets.committable(revoked), true);
        } catch (KafkaException e) {
            log.warn("commit on revocation of {} failed: {}", revoked, e.toString());
        }
        forget(revoked);
        log.info("partitions revoked: {}", revoked);
        report("revoked", revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        forget(lost);
        log.warn("partitions lost: {}", lost);
        report("lost", lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (loop.state() == ConsumerLoop.State.DRAINING && !partitions.isEmpty()) {
            consumer.pause(partitions);
        }
        if (!partitions.isEmpty()) {
            answers.resume(consumer, partitions);
        }
        assigned.addAll(partitions);
        log.info("partitions assigned: {}", partitions);
        report("assigned", partitions);
    }

    /** Whatever is still in flight in these partitions is abandoned: their next owner answers it. */
    private void forget(Collection<TopicPartition> partitions) {
        runner.forget(partitions);
        answers.forget(partitions);
        paused.removeAll(partitions);
        assigned.removeAll(partitions);
    }

    private void report(String change, Collection<TopicPartition> partitions) {
        if (loop.state() == ConsumerLoop.State.RUNNING && !partitions.isEmpty()) {
            listener.assignmentChanged(change, PartitionRef.of(partitions), PartitionRef.of(assigned));
        }
    }
}
