package io.imagefleet.worker.supervise;

/**
 * What a worker JVM said about itself as it exited on purpose. Immutable.
 *
 * @param slot               the slot
 * @param generation         which JVM of the slot
 * @param exitCode           the code it exited with
 * @param answered           records it answered
 * @param peakRssBytes       its peak resident set, or -1 where unknown
 * @param admissionHighWater the most bytes its memory budget had reserved at once
 * @param admissionCapacity  its memory budget
 */
public record ExitReport(int slot, int generation, int exitCode, long answered, long peakRssBytes,
                         long admissionHighWater, long admissionCapacity) {
}
