package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The poll thread's commits: hands positions to the {@link Outbox} (with the answers staged in
 * their partitions, exactly once) and, once Kafka has them, tells the {@link OffsetTracker},
 * {@link Sending} (whose staged answers are now written) and the listener; reads where the
 * previous owners of newly assigned partitions got to. Owned by the poll thread.
 */
final class Commits {
    private static final Logger log = LoggerFactory.getLogger(Commits.class);
    /** How long reading a new partition's committed position may take before it is given up. */
    private static final Duration RESUME_TIMEOUT = Duration.ofSeconds(10);

    private final Outbox outbox;
    private final OffsetTracker offsets;
    private final Sending sending;
    private final LoopListener listener;

    Commits(Outbox outbox, OffsetTracker offsets, Sending sending, LoopListener listener) {
        this.outbox = outbox;
        this.offsets = offsets;
        this.sending = sending;
        this.listener = listener;
    }

    /**
     * Commits what finished, synchronously, before something that may crash the JVM: a suspect
     * running alone, or after a job was given up for crashing JVMs (issue 19: a poison job was
     * answered WORKER_CRASHED twice when the next crash came before the give-up's commit). A
     * failure is logged; the next interval's commit tries again.
     */
    void commitNow() {
        sending.takeCommitWanted();
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
            r.refused().forEach(s -> sending.refused(s.unit(), s.failed(), null));
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
        Map<PartitionRef, Long> positions = new HashMap<>();
        done.forEach((tp, om) -> {
            positions.put(PartitionRef.of(tp), om.offset());
            sending.written(tp);
        });
        listener.committed(positions);
    }

    /**
     * Reads where the previous owners of newly assigned partitions got to, and what they answered
     * above it, and starts reading each there.
     */
    void resume(Consumer<byte[], byte[]> consumer, Collection<TopicPartition> partitions) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), RESUME_TIMEOUT);
            partitions.forEach(tp -> offsets.resume(tp, committed.get(tp)));
            // Each starts at its committed position now: else the consumer asks the coordinator again before its first fetch.
            committed.forEach((tp, at) -> {
                if (at != null) {
                    consumer.seek(tp, at);
                }
            });
        } catch (KafkaException e) {
            log.warn("could not read the committed offsets of {} ({}); records answered above them may be answered again",
                    partitions, e.toString());
        }
    }
}
