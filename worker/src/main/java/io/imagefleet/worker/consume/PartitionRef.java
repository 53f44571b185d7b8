package io.imagefleet.worker.consume;

import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A topic partition as the consumer loop tells its listeners of it, without the Kafka client's
 * class, so that a listener (metrics, health) does not depend on the clients. Written like Kafka's
 * {@code TopicPartition}: {@code topic-partition}. Immutable.
 */
public record PartitionRef(String topic, int partition) {
    public PartitionRef {
        Objects.requireNonNull(topic, "topic");
    }

    static PartitionRef of(TopicPartition tp) {
        return new PartitionRef(tp.topic(), tp.partition());
    }

    static Set<PartitionRef> of(Collection<TopicPartition> partitions) {
        return partitions.stream().map(PartitionRef::of).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
