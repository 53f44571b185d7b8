package io.imagefleet.worker.supervise;

import java.util.List;

/**
 * A slot at one moment, for tests, the demo and status pages. Immutable.
 *
 * @param slot       the slot
 * @param generation how many worker JVMs the slot has started
 * @param pid        the running JVM's pid, or -1 between JVMs
 * @param inFlight   records the running JVM has in flight
 * @param answered   records the running JVM has answered
 * @param partitions the partitions the slot last reported
 */
public record SlotStatus(int slot, int generation, long pid, int inFlight, long answered, List<String> partitions) {
    public SlotStatus {
        partitions = List.copyOf(partitions);
    }
}
