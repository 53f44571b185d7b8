package io.imagefleet.local.status;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A consumer group as the cluster sees it: its state, members and their partitions, and for each
 * partition of the jobs topic the committed offset, the end offset and the lag between them.
 * Read once through the Admin client. Immutable.
 */
record GroupStatus(String group, String state, String type, String assignor, List<Member> members,
                   List<PartitionLag> partitions) {

    /** One member: its ids, host and partitions (as {@code topic-partition}). */
    record Member(String memberId, String instanceId, String clientId, String host, List<String> partitions) {
    }

    /**
     * One partition of the jobs topic.
     *
     * @param committed the group's committed offset, or -1 when it has none
     * @param lag       records not yet answered for good: end minus committed (minus the first
     *                  offset still kept, when nothing was committed)
     * @param owner     the member holding it, or empty
     */
    record PartitionLag(int partition, long committed, long end, long lag, String owner) {
    }

    long totalLag() {
        return partitions.stream().mapToLong(PartitionLag::lag).sum();
    }

    static GroupStatus read(Admin admin, String group, String topic, long timeoutMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                .get(timeoutMs, TimeUnit.MILLISECONDS).get(group);
        List<Member> members = new ArrayList<>();
        Map<TopicPartition, String> owners = new HashMap<>();
        for (MemberDescription m : d.members()) {
            String name = m.groupInstanceId().orElse(m.clientId());
            List<String> parts = m.assignment().topicPartitions().stream()
                    .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                    .map(TopicPartition::toString).toList();
            m.assignment().topicPartitions().forEach(tp -> owners.put(tp, name));
            members.add(new Member(m.consumerId(), m.groupInstanceId().orElse("-"), m.clientId(), m.host(), parts));
        }
        members.sort(Comparator.comparing(Member::instanceId).thenComparing(Member::clientId));

        TopicDescription td = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(timeoutMs, TimeUnit.MILLISECONDS).get(topic);
        List<TopicPartition> tps = td.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = offsets(admin, tps, OffsetSpec.latest(), timeoutMs);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = offsets(admin, tps, OffsetSpec.earliest(), timeoutMs);
        List<PartitionLag> lags = new ArrayList<>();
        for (TopicPartition tp : tps) {
            OffsetAndMetadata c = committed.get(tp);
            long end = ends.get(tp).offset();
            long from = c != null ? c.offset() : starts.get(tp).offset();
            lags.add(new PartitionLag(tp.partition(), c == null ? -1 : c.offset(), end, Math.max(0, end - from),
                    owners.getOrDefault(tp, "")));
        }
        lags.sort(Comparator.comparingInt(PartitionLag::partition));
        return new GroupStatus(group, d.groupState().toString(), d.type().toString(), d.partitionAssignor(), members, lags);
    }

    private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets(Admin admin, List<TopicPartition> tps,
            OffsetSpec spec, long timeoutMs) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, spec));
        return admin.listOffsets(query).all().get(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
