package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.Objects;

/**
 * Where a record sits (topic, partition, offset), as the consumer loop tells its reply
 * listeners of it, without the Kafka client's record: a listener learns what was answered for
 * which record, never the record's bytes. Written {@code topic-partition@offset}. Immutable.
 */
public record RecordRef(String topic, int partition, long offset) {
    public RecordRef {
        Objects.requireNonNull(topic, "topic");
    }

    static RecordRef of(ConsumerRecord<?, ?> record) {
        return new RecordRef(record.topic(), record.partition(), record.offset());
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
