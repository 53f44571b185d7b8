package io.imagefleet.worker.consume;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The in-flight book: every record taken and not yet answered or abandoned, and where it stands.
 * A fact that arrives for a record the book no longer holds in the state the fact is about (a
 * late result after a TIMEOUT answer, a retry due after its partition was revoked) is stale and
 * dropped. Owned by the poll thread.
 */
final class InFlight {
    /** Where a taken record stands. */
    enum State {
        /** Waiting for its attempt to begin. */
        WAITING,
        /** Its source is being fetched, or is fetched and waits for a CPU thread. */
        FETCHING,
        /** A CPU thread runs it, or its outputs are being stored. */
        RUNNING,
        /** Waiting out the backoff before its next attempt. */
        RETRY_WAIT,
        /** Its answer waits to know whether its reply topic exists. */
        TOPIC_CHECK,
        /** Its answer is with the producer. */
        SENDING,
        /** Waiting out the backoff before its refused records are sent again. */
        RESEND_WAIT
    }

    /** One taken record. {@code job} is its current attempt (null for a record that is not a valid job). */
    static final class Entry {
        final TopicPartition tp;
        final long offset;
        final String jobId;
        Taken job;
        State state = State.WAITING;
        /** Whether the listener was told it started (it is then told how it ended). */
        boolean started;
        /** The answer being given, once there is one. */
        Replies.Answer answer;
        /** The records of the answer not yet acknowledged. */
        Outgoing unit;

        Entry(TopicPartition tp, long offset, String jobId, Taken job) {
            this.tp = tp;
            this.offset = offset;
            this.jobId = jobId;
            this.job = job;
        }

        @Override
        public String toString() {
            return (jobId.isEmpty() ? "record" : jobId) + " at " + tp + "@" + offset;
        }
    }

    private final Map<TopicPartition, TreeMap<Long, Entry>> partitions = new HashMap<>();

    Entry add(TopicPartition tp, long offset, String jobId, Taken job) {
        Entry e = new Entry(tp, offset, jobId, job);
        partitions.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, e);
        return e;
    }

    /** The entry of a record, or null when the book no longer holds it. */
    Entry find(TopicPartition tp, long offset) {
        TreeMap<Long, Entry> p = partitions.get(tp);
        return p == null ? null : p.get(offset);
    }

    /** The entry of a record when it is in this state and on this attempt, else null (the fact is stale). */
    Entry find(Taken job, State state) {
        Entry e = find(job.tp, job.offset());
        return e != null && e.state == state && e.job == job ? e : null;
    }

    void remove(Entry e) {
        TreeMap<Long, Entry> p = partitions.get(e.tp);
        if (p != null && p.remove(e.offset, e) && p.isEmpty()) {
            partitions.remove(e.tp);
        }
    }

    /** Removes and returns every entry of these partitions. */
    List<Entry> removeAll(Collection<TopicPartition> tps) {
        List<Entry> out = new ArrayList<>();
        for (TopicPartition tp : tps) {
            TreeMap<Long, Entry> p = partitions.remove(tp);
            if (p != null) {
                out.addAll(p.values());
            }
        }
        return out;
    }

    /** Every entry, in no particular order. */
    List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        partitions.values().forEach(p -> out.addAll(p.values()));
        return out;
    }

    boolean holdsAny(Collection<TopicPartition> tps) {
        return tps.stream().anyMatch(partitions::containsKey);
    }

    int size() {
        return partitions.values().stream().mapToInt(Map::size).sum();
    }

    /** How many entries are in each state. */
    Map<State, Integer> counts() {
        Map<State, Integer> out = new EnumMap<>(State.class);
        partitions.values().forEach(p -> p.values().forEach(e -> out.merge(e.state, 1, Integer::sum)));
        return out;
    }
}
