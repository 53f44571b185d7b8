package io.imagefleet.producer;

import org.apache.kafka.common.header.Header;

import java.time.Instant;
import java.util.List;

/**
 * One dead-lettered record: the original key, value and headers as the job was published, and
 * why and when it was given up on (from the {@code imagefleet-*} headers the worker added).
 * Immutable.
 *
 * @param dlqPartition      where it is in the dead-letter topic
 * @param dlqOffset         where it is in the dead-letter topic
 * @param key               the original key (the job id, for jobs published by imagefleet), or null
 * @param value             the original bytes
 * @param originalHeaders   the original headers, without the ones the worker added
 * @param errorCode         {@code imagefleet-error-code}
 * @param errorMessage      {@code imagefleet-error-message}
 * @param originalTopic     {@code imagefleet-original-topic}
 * @param originalPartition {@code imagefleet-original-partition}, or -1
 * @param originalOffset    {@code imagefleet-original-offset}, or -1
 * @param attempts          {@code imagefleet-attempts}, or 0
 * @param failedAt          {@code imagefleet-failed-at}, or the record's timestamp when absent
 */
public record DeadLetter(int dlqPartition, long dlqOffset, String key, byte[] value, List<Header> originalHeaders,
                         String errorCode, String errorMessage, String originalTopic, int originalPartition,
                         long originalOffset, int attempts, Instant failedAt) {
    public DeadLetter {
        originalHeaders = List.copyOf(originalHeaders);
    }

    /** {@code topic-partition@offset} of the record it was. */
    public String originalPosition() {
        return originalTopic + "-" + originalPartition + "@" + originalOffset;
    }
}
