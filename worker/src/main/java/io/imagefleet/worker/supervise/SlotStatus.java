package io.imagefleet.worker.supervise;

import java.util.List;

/**
 * A slot at one moment, for tests, the demo and status pages. Immutable.
 *
 * @param slot       the slot
 * @param state      where the slot stands
 * @param generation how many worker JVMs the slot has started
 * @param pid        the running JVM's pid, or -1 between JVMs
 * @param inFlight   records the running JVM has in flight
 * @param answered   records the running JVM has answered
 * @param partitions the partitions the slot last reported
 * @param health     how the slot's poll loop is doing, for the health checks
 */
public record SlotStatus(int slot, SlotState state, int generation, long pid, int inFlight, long answered, List<String> partitions,
                         Liveness health) {
    public SlotStatus {
        partitions = List.copyOf(partitions);
    }

    /**
     * A slot's liveness at one moment.
     *
     * @param consuming          whether a worker JVM in the slot has its go and is not draining
     * @param pollAgeMs          while consuming: milliseconds since its consumer loop last turned, as of its
     *                           last heartbeat plus the time since (from its go, before its first turn); else -1
     * @param joined             whether its consumer has completed a join of the group
     * @param heldPartitions     partitions it holds, from its last heartbeat
     * @param downForMs          how long the slot has had no worker JVM at all (crash backoff, failed launch); -1 when it has one
     * @param consecutiveCrashes crashes in a row
     */
    public record Liveness(boolean consuming, long pollAgeMs, boolean joined, int heldPartitions, long downForMs,
                           int consecutiveCrashes) {
    }
}
