package io.imagefleet.producer;

import io.imagefleet.wire.Result;

/**
 * A result as read from its topic.
 *
 * @param result        the decoded result
 * @param json          the record value as it was published
 * @param correlationId the {@code imagefleet-correlation-id} header, or null
 * @param timestamp     the record timestamp, epoch milliseconds
 * @param partition     the partition it was read from
 * @param offset        its offset
 */
public record ReceivedResult(Result result, String json, String correlationId, long timestamp, int partition,
                             long offset) {
}
