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
 * @param ioJobs         jobs fetched or being fetched ahead of the CPU threads, at most
 * @param ioBytes        bytes held by fetched sources and encoded outputs above which no fetch starts
 *                       (a fetch under way may take it past by its source's size)
 */
public record LoopSettings(String jobsTopic, String workerId, int threads, int maxInFlight, Duration pollTimeout,
                           Duration commitInterval, Duration drainTimeout, Duration revokeTimeout, RetryPolicy retry,
                           int ioJobs, long ioBytes) {

    public LoopSettings {
        if (ioJobs < 1 || ioBytes < 1) {
            throw new IllegalArgumentException("ioJobs and ioBytes must be positive, got " + ioJobs + " and " + ioBytes);
        }
    }

    /** Settings whose fetches are bounded by the in-flight limit alone. */
    public LoopSettings(String jobsTopic, String workerId, int threads, int maxInFlight, Duration pollTimeout,
                        Duration commitInterval, Duration drainTimeout, Duration revokeTimeout, RetryPolicy retry) {
        this(jobsTopic, workerId, threads, maxInFlight, pollTimeout, commitInterval, drainTimeout, revokeTimeout, retry,
                maxInFlight, Long.MAX_VALUE);
    }

    /**
     * The usual timings for a loop of {@code threads} CPU threads and {@code ioJobs} jobs fetched
     * ahead of them: it takes records for both, and as many again for the CPU threads to find
     * waiting when they finish.
     */
    public static LoopSettings of(String jobsTopic, String workerId, int threads, int ioJobs, long ioBytes,
                                  Duration drainTimeout, RetryPolicy retry) {
        return new LoopSettings(jobsTopic, workerId, threads, threads * 2 + ioJobs, Duration.ofMillis(100),
                Duration.ofMillis(500), drainTimeout, drainTimeout.compareTo(Duration.ofSeconds(20)) < 0
                        ? drainTimeout : Duration.ofSeconds(20), retry, ioJobs, ioBytes);
    }
}
