package io.imagefleet.worker.consume;

import io.imagefleet.worker.config.RetryPolicy;

import java.time.Duration;

/**
 * How a {@link ConsumerLoop} runs.
 *
 * @param jobsTopic      the topic it subscribes to
 * @param workerId       {@code host/slot-N}, put on every result
 * @param threads        jobs processed at once
 * @param maxInFlight    records taken but not finished (waiting, processing or being published)
 *                       before partitions are paused
 * @param pollTimeout    how long one poll waits for records
 * @param commitInterval how often finished offsets are committed
 * @param drainTimeout   how long a stopping loop waits for in-flight jobs
 * @param revokeTimeout  how long a revocation waits for the revoked partitions' jobs
 * @param retry          how retryable failures (and results Kafka did not take) are tried again
 */
public record LoopSettings(String jobsTopic, String workerId, int threads, int maxInFlight, Duration pollTimeout,
                           Duration commitInterval, Duration drainTimeout, Duration revokeTimeout, RetryPolicy retry) {

    /** Settings with the usual timings for a loop of {@code threads} threads. */
    public static LoopSettings of(String jobsTopic, String workerId, int threads, Duration drainTimeout, RetryPolicy retry) {
        return new LoopSettings(jobsTopic, workerId, threads, threads * 2, Duration.ofMillis(100),
                Duration.ofMillis(500), drainTimeout, drainTimeout.compareTo(Duration.ofSeconds(20)) < 0
                        ? drainTimeout : Duration.ofSeconds(20), retry);
    }
}
