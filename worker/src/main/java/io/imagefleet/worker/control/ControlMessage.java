package io.imagefleet.worker.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.imagefleet.worker.recycle.RecycleReason;

import java.util.List;
import java.util.Map;

/**
 * One message on the channel between a worker JVM and its supervisor: a JSON object on one line
 * with a {@code type} field, on the child's stdout (child to supervisor) or stdin (supervisor to
 * child). To add a message, add a record here and to {@link JsonSubTypes}; a reader that does not
 * know a type skips the line, and one that does not know an enum's value reads it as that enum's
 * {@code UNKNOWN}, so either side may be newer. Immutable.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ControlMessage.Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = ControlMessage.Assignment.class, name = "assignment"),
        @JsonSubTypes.Type(value = ControlMessage.JobStarted.class, name = "job-started"),
        @JsonSubTypes.Type(value = ControlMessage.JobEnded.class, name = "job-ended"),
        @JsonSubTypes.Type(value = ControlMessage.Committed.class, name = "committed"),
        @JsonSubTypes.Type(value = ControlMessage.RecycleSoon.class, name = "recycle-soon"),
        @JsonSubTypes.Type(value = ControlMessage.RecycleRequest.class, name = "recycle-request"),
        @JsonSubTypes.Type(value = ControlMessage.Exiting.class, name = "exiting"),
        @JsonSubTypes.Type(value = ControlMessage.Heartbeat.class, name = "heartbeat"),
        @JsonSubTypes.Type(value = ControlMessage.Metrics.class, name = "metrics"),
        @JsonSubTypes.Type(value = ControlMessage.Prepare.class, name = "prepare"),
        @JsonSubTypes.Type(value = ControlMessage.Go.class, name = "go"),
        @JsonSubTypes.Type(value = ControlMessage.Suspects.class, name = "suspects"),
        @JsonSubTypes.Type(value = ControlMessage.RecycleGrant.class, name = "recycle-grant"),
})
public sealed interface ControlMessage {

    // ---- child to supervisor ----

    /** The child is built (configuration read, pipeline ready) and waits for {@link Go}. */
    record Hello(long pid) implements ControlMessage {
    }

    /**
     * The child's partitions changed while it was running.
     *
     * @param change     what happened to them
     * @param partitions the partitions of this change, as {@code topic-partition}
     * @param now        every partition the child holds after the change
     */
    record Assignment(PartitionChange change, List<String> partitions, List<String> now) implements ControlMessage {
        public Assignment {
            partitions = List.copyOf(partitions);
            now = List.copyOf(now);
        }
    }

    /** A job was handed to a pool thread; until {@link JobEnded} it is in flight. */
    record JobStarted(JobRef job) implements ControlMessage {
    }

    /** A job's final result (or dead letter) was acknowledged by Kafka, or the job was abandoned uncommitted. */
    record JobEnded(JobRef job, JobOutcome outcome) implements ControlMessage {
    }

    /** Positions were committed ({@code topic-partition} to the next offset to read): records below are answered for good. */
    record Committed(Map<String, Long> offsets) implements ControlMessage {
        public Committed {
            offsets = Map.copyOf(offsets);
        }
    }

    /**
     * The child will ask to recycle soon (its jobs or its age are near their limit): the
     * supervisor may give the slot its successor now, so that the successor is built and
     * connected before the old JVM drains.
     */
    record RecycleSoon() implements ControlMessage {
    }

    /**
     * The child wants to recycle; it keeps working until it gets a {@link RecycleGrant}.
     *
     * @param reason the trigger that fired, by its wire name ({@code max-jobs}...); {@link RecycleReason#UNKNOWN}
     *               for a name this side does not know
     * @param detail what the trigger says about it ("1000 jobs done (limit 1000)")
     */
    record RecycleRequest(RecycleReason reason, String detail) implements ControlMessage {
        public RecycleRequest {
            // A newer child might leave it out: read as a reason not known, like a name not known.
            reason = reason == null ? RecycleReason.UNKNOWN : reason;
        }
    }

    /**
     * The child's last word before it exits on purpose (after a drain).
     *
     * @param exitCode           the code it is about to exit with
     * @param answered           records it answered in its life
     * @param peakRssBytes       its peak resident set ({@code VmHWM}), or -1 where unknown
     * @param admissionHighWater the most bytes its memory budget ever had reserved at once
     * @param admissionCapacity  its memory budget
     */
    record Exiting(int exitCode, long answered, long peakRssBytes, long admissionHighWater, long admissionCapacity)
            implements ControlMessage {
    }

    /**
     * Sent every second by a child that has its go, from a timer (not the poll thread), so that a
     * stopped or frozen JVM falls silent and a stuck poll loop shows in {@code pollAgeMs}.
     *
     * @param pollAgeMs  milliseconds since the consumer loop last finished a turn (poll, hand out,
     *                   collect, commit); -1 before its first turn
     * @param state      the loop's lifecycle state ({@code running}, {@code draining}...); {@link LoopState#UNKNOWN}
     *                   for a state this side does not know
     * @param partitions how many partitions the child holds
     * @param joined     whether the consumer has completed a join of the group (it may have been
     *                   given no partitions: the group has none for it)
     */
    record Heartbeat(long pollAgeMs, LoopState state, int partitions, boolean joined) implements ControlMessage {
        public Heartbeat {
            state = state == null ? LoopState.UNKNOWN : state;
        }
    }

    /**
     * The child's meters in the Prometheus text format, without a slot label: the supervisor adds
     * the slot and serves them with its own at {@code /metrics}. Sent every
     * {@code IMAGEFLEET_METRICS_INTERVAL}.
     */
    record Metrics(String prometheus) implements ControlMessage {
    }

    // ---- supervisor to child ----

    /**
     * This JVM (a spare) will be the slot's next worker: build its Kafka clients, loop and pool
     * now, but neither subscribe nor poll until the {@link Go}, which names the same slot. Sent
     * when the slot asks to recycle, so that the building is done before the old JVM drains.
     */
    record Prepare(int slot) implements ControlMessage {
    }

    /** Start consuming, as the worker of this slot (its group.instance.id and client ids follow from it). */
    record Go(int slot) implements ControlMessage {
    }

    /** Every job the supervisor suspects, replacing the previous list. */
    record Suspects(List<Suspect> jobs) implements ControlMessage {
        public Suspects {
            jobs = List.copyOf(jobs);
        }
    }

    /** Drain, commit and exit with the recycle code now. */
    record RecycleGrant() implements ControlMessage {
    }

    /**
     * A record that was in flight when worker JVMs died.
     *
     * @param job     the record
     * @param crashes how many worker JVMs died with it in flight
     * @param giveUp  whether to answer it {@code WORKER_CRASHED} instead of running it
     * @param history the exits it was in flight for, for the message ("slot-0 exit 134; slot-0 exit 3")
     */
    record Suspect(JobRef job, int crashes, boolean giveUp, String history) {
    }
}
