package io.imagefleet.worker.control;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a record left a worker JVM's loop, as {@link ControlMessage.JobEnded} carries it (lower case on the wire). */
public enum JobOutcome {
    /** Its result (or dead letter) was acknowledged by Kafka; its offset may be committed. */
    @JsonProperty("answered") ANSWERED,
    /** It was left uncommitted (the loop stopped or lost the partition); it will be delivered again. */
    @JsonProperty("abandoned") ABANDONED
}
