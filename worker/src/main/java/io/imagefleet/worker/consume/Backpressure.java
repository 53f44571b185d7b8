package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Pauses every assigned partition while the loop holds as much as it may (jobs in work, answers
 * waiting on Kafka, bytes of fetched sources), and resumes them when it has room: polling goes
 * on either way, so the consumer stays in the group. Owned by the poll thread; the set of paused
 * partitions is shared with the rebalance listener, which drops revoked ones.
 */
final class Backpressure {
    private final Consumer<byte[], byte[]> consumer;
    private final LoopSettings settings;
    private final InFlight book;
    private final JobRunner runner;
    private final Set<TopicPartition> paused = new HashSet<>();

    Backpressure(Consumer<byte[], byte[]> consumer, LoopSettings settings, InFlight book, JobRunner runner) {
        this.consumer = consumer;
        this.settings = settings;
        this.book = book;
        this.runner = runner;
    }

    /** The partitions paused now (the rebalance listener removes those it revokes). */
    Set<TopicPartition> paused() {
        return paused;
    }

    boolean any() {
        return !paused.isEmpty();
    }

    /** Pauses or resumes the assigned partitions for what the loop holds now. */
    void apply() {
        Map<InFlight.State, Integer> counts = book.counts();
        int working = counts.getOrDefault(InFlight.State.WAITING, 0) + counts.getOrDefault(InFlight.State.FETCHING, 0)
                + counts.getOrDefault(InFlight.State.RUNNING, 0) + counts.getOrDefault(InFlight.State.RETRY_WAIT, 0);
        // Answers waiting on Kafka are small, but not free: bounded too, more loosely. Held bytes stop fetches.
        boolean full = working >= settings.maxInFlight() || book.size() >= settings.maxInFlight() * 4
                || runner.held() >= settings.ioBytes();
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
}
