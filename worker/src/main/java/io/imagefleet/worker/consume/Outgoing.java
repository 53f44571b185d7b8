package io.imagefleet.worker.consume;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.List;

/**
 * The records that answer one consumed offset (a result, a dead letter, or both); the offset
 * counts as finished once all of them are in Kafka. Immutable.
 *
 * @param sends  how many times the records have been handed to the producer (for the re-send backoff)
 * @param answer what the records say, told to the listener once Kafka has them
 */
record Outgoing(TopicPartition tp, long offset, String jobId, List<ProducerRecord<byte[], byte[]>> records, int sends,
                Replies.Answer answer) {
    Outgoing {
        records = List.copyOf(records);
    }

    /** Some of this unit's records, for one more try. */
    Outgoing resend(List<ProducerRecord<byte[], byte[]>> again) {
        return new Outgoing(tp, offset, jobId, again, sends + 1, answer);
    }

    /** This unit with other records and what they say. */
    Outgoing replace(List<ProducerRecord<byte[], byte[]>> now, Replies.Answer says) {
        return new Outgoing(tp, offset, jobId, now, sends + 1, says);
    }
}
