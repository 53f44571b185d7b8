package io.imagefleet.worker.consume;

import org.apache.kafka.common.TopicPartition;

import java.util.Optional;

/**
 * Which records were in flight when worker JVMs died, as the supervisor counted them. A suspect
 * runs alone, so that if it kills this JVM too it takes no healthy job with it; one that has been
 * in flight in too many crashes is answered {@code WORKER_CRASHED} and dead-lettered instead of
 * being run. Read on the poll thread; implementations are thread-safe.
 */
@FunctionalInterface
public interface Suspicions {
    /** Suspects nothing. */
    Suspicions NONE = (tp, offset) -> Optional.empty();

    Optional<Suspicion> find(TopicPartition tp, long offset);

    /**
     * @param crashes how many worker JVMs died with the record in flight
     * @param giveUp  answer it {@code WORKER_CRASHED} rather than run it
     * @param history the exits, for the error message
     */
    record Suspicion(int crashes, boolean giveUp, String history) {
    }
}
