package io.imagefleet.worker.consume;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.List;

/**
 * The records that answer one consumed offset (a result, a dead letter, or both); the offset
 * counts as finished once all of them are in Kafka. Immutable.
 *
 * @param sends how many times the records have been handed to the producer (for the re-send backoff)
 */
record Outgoing(TopicPartition tp, long offset, String jobId, List<ProducerRecord<byte[], byte[]>> records, int sends) {
    Outgoing {
        records = List.copyOf(records);
    }

    /** The records of this unit that still have to go, for one more try. */
    Outgoing resend(List<ProducerRecord<byte[], byte[]>> failed) {
        return new Outgoing(tp, offset, jobId, failed, sends + 1);
    }
}
