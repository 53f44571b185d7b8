package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionRefTest {

    @Test
    void of_kafkaPartition_keepsTopicAndNumberAndIsWrittenTheSameWay() {
        TopicPartition tp = new TopicPartition("imagefleet.jobs", 11);

        PartitionRef ref = PartitionRef.of(tp);

        assertThat(ref).isEqualTo(new PartitionRef("imagefleet.jobs", 11));
        assertThat(ref.toString()).isEqualTo(tp.toString()).isEqualTo("imagefleet.jobs-11");
    }

    @Test
    void of_kafkaPartitions_isAnUnmodifiableSetOfRefs() {
        var refs = PartitionRef.of(List.of(new TopicPartition("jobs", 0), new TopicPartition("jobs", 1)));

        assertThat(refs).containsExactlyInAnyOrder(new PartitionRef("jobs", 0), new PartitionRef("jobs", 1));
        assertThat(refs).isUnmodifiable();
    }

    @Test
    void recordRef_ofKafkaRecord_isItsCoordinatesWrittenTopicPartitionAtOffset() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("jobs", 3, 41, new byte[0], new byte[] {1, 2});

        RecordRef ref = RecordRef.of(record);

        assertThat(ref).isEqualTo(new RecordRef("jobs", 3, 41));
        assertThat(ref).hasToString("jobs-3@41");
    }
}
