package io.imagefleet.worker.control;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Locale;

/** What happened to a worker JVM's partitions, as {@link ControlMessage.Assignment} carries it (lower case on the wire). */
public enum PartitionChange {
    /** The group gave it partitions. */
    @JsonProperty("assigned") ASSIGNED,
    /** The group took partitions back in a rebalance (their offsets were committed first). */
    @JsonProperty("revoked") REVOKED,
    /** Partitions were lost without a chance to commit (the consumer fell out of the group). */
    @JsonProperty("lost") LOST;

    /** The change named {@code assigned}, {@code revoked} or {@code lost}; throws for any other name. */
    public static PartitionChange of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** The name on the wire and in logs. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
