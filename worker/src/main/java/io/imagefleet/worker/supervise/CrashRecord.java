package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.JobRef;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A worker JVM that died without being told to. Immutable.
 *
 * @param slot     the slot
 * @param exitCode its exit code (137 for SIGKILL, 3 for an OutOfMemoryError, ...)
 * @param inFlight the records it had in flight, now suspects
 * @param answered records it had answered but not yet committed: they will be answered again
 * @param at       when the supervisor saw the exit
 * @param uptime   how long it had run
 * @param respawn  how long the supervisor waits before starting its successor
 */
public record CrashRecord(int slot, int exitCode, List<JobRef> inFlight, List<JobRef> answered, Instant at,
                          Duration uptime, Duration respawn) {
    public CrashRecord {
        inFlight = List.copyOf(inFlight);
        answered = List.copyOf(answered);
    }
}
