package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.PartitionChange;

import java.time.Instant;
import java.util.List;

/**
 * A change of partitions a running worker JVM reported. Immutable.
 *
 * @param slot       the slot
 * @param change     what happened to the partitions
 * @param partitions the partitions of the change
 * @param now        what the child holds after it
 * @param rebalance  false only when a new JVM of the slot got back partitions the slot held before
 *                   (what static membership gives); true for anything a group rebalance does
 * @param at         when the supervisor heard of it
 */
public record AssignmentChange(int slot, PartitionChange change, List<String> partitions, List<String> now, boolean rebalance,
                               Instant at) {
    public AssignmentChange {
        partitions = List.copyOf(partitions);
        now = List.copyOf(now);
    }
}
