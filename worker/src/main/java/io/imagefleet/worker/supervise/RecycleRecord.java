package io.imagefleet.worker.supervise;

import io.imagefleet.worker.recycle.RecycleReason;

import java.time.Duration;
import java.time.Instant;

/**
 * One recycle of one slot, as the supervisor saw it. Immutable.
 *
 * @param slot      the slot
 * @param reason    why the slot recycled, as its JVM said ({@link RecycleReason#UNKNOWN} for a reason this
 *                  supervisor does not know)
 * @param detail    what the child said about it
 * @param jobs      jobs the old JVM answered
 * @param grantedAt when the supervisor let it go
 * @param drain     from the grant to the old JVM's hand-over (its {@code exiting} message, sent once it has
 *                  committed and closed its clients), or to its exit when it said nothing
 * @param rejoin    from the hand-over to the new JVM's first assignment (null if none came)
 * @param gap       from the old JVM's last answered job (or the grant, when it had run out of jobs before it) to the new one's first started job; null when no job
 *                  came within 30 s of the old JVM's exit (the slot was idle, so nothing waited)
 */
public record RecycleRecord(int slot, RecycleReason reason, String detail, long jobs, Instant grantedAt, Duration drain,
                            Duration rejoin, Duration gap) {
}
