package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which offsets of each partition are taken and which are finished, so that the committed
 * position only ever advances over a contiguous run of finished offsets: jobs finish out of
 * order, but a job that has no result yet is never committed past. Owned by the poll thread.
 */
final class OffsetTracker {
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    /** Records that the offset has been taken for processing. Offsets arrive in order per partition. */
    void track(TopicPartition tp, long offset) {
        partitions.computeIfAbsent(tp, k -> new Partition()).pending.put(offset, Boolean.FALSE);
    }

    /**
     * Records that the offset has its final result; false (and nothing recorded) for an offset of
     * a forgotten partition, or one not taken.
     */
    boolean finish(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p != null && p.pending.containsKey(offset)) {
            p.pending.put(offset, Boolean.TRUE);
            p.advance();
            return true;
        }
        return false;
    }

    /** The positions that can be committed and have moved since the last commit. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (p.safe > p.committed) {
                out.put(tp, new OffsetAndMetadata(p.safe));
            }
        });
        return out;
    }

    /** The committable positions of some partitions, whether or not they have moved. */
    Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> tps) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : tps) {
            Partition p = partitions.get(tp);
            if (p != null && p.safe > p.committed) {
                out.put(tp, new OffsetAndMetadata(p.safe));
            }
        }
        return out;
    }

    /** Records a successful commit. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, om.offset());
            }
        });
    }

    /** Forgets partitions that are no longer assigned here. */
    void forget(Collection<TopicPartition> tps) {
        tps.forEach(partitions::remove);
    }

    /** Offsets taken but not finished, in one partition. */
    int unfinished(TopicPartition tp) {
        Partition p = partitions.get(tp);
        return p == null ? 0 : (int) p.pending.values().stream().filter(done -> !done).count();
    }

    /** Offsets taken but not finished, over all partitions. */
    int unfinished() {
        return partitions.keySet().stream().mapToInt(this::unfinished).sum();
    }

    private static final class Partition {
        /** Offsets taken and not yet below the safe position; true once finished. */
        final TreeMap<Long, Boolean> pending = new TreeMap<>();
        /** The next offset to consume after everything finished; -1 before anything finished. */
        long safe = -1;
        long committed = -1;

        void advance() {
            while (!pending.isEmpty() && pending.firstEntry().getValue()) {
                safe = pending.pollFirstEntry().getKey() + 1;
            }
        }
    }
}
