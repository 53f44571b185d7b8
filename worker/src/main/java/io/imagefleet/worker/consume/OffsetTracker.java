package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.BitSet;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which offsets of each partition are taken and which are finished, so that the committed
 * position only ever advances over a contiguous run of finished offsets: jobs finish out of
 * order, but a job that has no result yet is never committed past. The offsets finished above
 * the position ride along in the commit's metadata, so that whoever takes the partition next
 * (after a stop, a crash, a rebalance) skips them instead of answering them twice: a slow job
 * holds back the position, not the answers behind it. Owned by the poll thread.
 */
final class OffsetTracker {
    /** The commit metadata's prefix: version 1, a bit set of answered offsets from the position up. */
    static final String METADATA_PREFIX = "imagefleet:1:";
    /** Kafka keeps commit metadata of up to 4096 characters by default ({@code offset.metadata.max.bytes}). */
    private static final int MAX_METADATA_CHARS = 3_800;

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

    /**
     * Learns, from a newly assigned partition's committed position, which offsets above it a
     * previous owner already answered.
     */
    void resume(TopicPartition tp, OffsetAndMetadata committed) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
        p.answeredBefore.clear();
        if (committed != null) {
            p.answeredBefore.addAll(decode(committed));
            p.committed = committed;
        }
    }

    /** Whether a previous owner of the partition answered this offset already (it is then not run again). */
    boolean answeredBefore(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        return p != null && p.answeredBefore.remove(offset);
    }

    /** The positions (with the offsets finished above them) that changed since the last commit. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        return committable(partitions.keySet());
    }

    /** The same, for some partitions. */
    Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> tps) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : tps) {
            Partition p = partitions.get(tp);
            OffsetAndMetadata now = p == null ? null : p.position();
            if (now != null && !now.equals(p.committed)) {
                out.put(tp, now);
            }
        }
        return out;
    }

    /** Records a successful commit. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            Partition p = partitions.get(tp);
            if (p != null && (p.committed == null || p.committed.offset() <= om.offset())) {
                p.committed = om;
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

    /** The metadata naming the finished offsets at and above {@code position}; empty when there are none. */
    static String encode(long position, Collection<Long> finished) {
        BitSet bits = new BitSet();
        for (long o : finished) {
            if (o >= position && o - position < Integer.MAX_VALUE) {
                bits.set((int) (o - position));
            }
        }
        if (bits.isEmpty()) {
            return "";
        }
        String text = METADATA_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits.toByteArray());
        while (text.length() > MAX_METADATA_CHARS) {
            // Too many to list: the highest are left out, and answered again by the next owner.
            bits.clear(bits.length() * 3 / 4, bits.length());
            text = METADATA_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits.toByteArray());
        }
        return text;
    }

    /** The offsets a commit's metadata names as answered; none for metadata this class did not write. */
    static Set<Long> decode(OffsetAndMetadata committed) {
        Set<Long> out = new HashSet<>();
        String m = committed.metadata();
        if (m == null || !m.startsWith(METADATA_PREFIX)) {
            return out;
        }
        try {
            BitSet bits = BitSet.valueOf(Base64.getUrlDecoder().decode(m.substring(METADATA_PREFIX.length())));
            bits.stream().forEach(i -> out.add(committed.offset() + i));
        } catch (IllegalArgumentException e) {
            return Set.of();
        }
        return out;
    }

    private static final class Partition {
        /** Offsets taken and not yet below the safe position; true once finished. */
        final TreeMap<Long, Boolean> pending = new TreeMap<>();
        /** Offsets above the committed position that the previous owner answered. */
        final Set<Long> answeredBefore = new HashSet<>();
        /** The next offset to consume after everything finished; -1 before anything finished. */
        long safe = -1;
        OffsetAndMetadata committed;

        void advance() {
            while (!pending.isEmpty() && pending.firstEntry().getValue()) {
                safe = pending.pollFirstEntry().getKey() + 1;
            }
        }

        /** Where a commit would put the partition now, with the answered offsets above it; null when nothing has finished. */
        OffsetAndMetadata position() {
            Set<Long> finished = new HashSet<>();
            pending.forEach((o, done) -> {
                if (done) {
                    finished.add(o);
                }
            });
            if (safe < 0 && finished.isEmpty()) {
                return null;
            }
            long at = pending.isEmpty() ? safe : safe >= 0 ? safe : pending.firstKey();
            // What the previous owner answered and this one has not reached yet stays listed, for the next owner.
            finished.addAll(answeredBefore);
            return new OffsetAndMetadata(at, encode(at, finished));
        }
    }
}
