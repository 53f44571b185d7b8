package io.imagefleet.worker.consume;

import io.imagefleet.worker.config.WorkerConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Properties;

/**
 * The one place where the worker's Kafka client properties are assembled: the pass-through
 * settings first, then the ones the delivery guarantee depends on.
 */
public final class KafkaClients {
    /** The longest a send or a transaction call may block the poll thread. */
    static final Duration MAX_BLOCK = Duration.ofSeconds(10);
    /** The longest a reply topic's check may take before the topic counts as unknown. */
    public static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private KafkaClients() {
    }

    /**
     * The consumer of the jobs topic: manual commits, records as raw bytes (so bad ones can be
     * dead-lettered).
     *
     * @param instanceId the static member id ({@code group.instance.id}), or null for a dynamic member
     */
    public static Properties consumer(WorkerConfig config, String clientId, String instanceId, int maxPollRecords) {
        Properties p = config.kafka().clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (instanceId != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (GroupProtocol.CLASSIC.name().equalsIgnoreCase(p.getProperty(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic"))) {
            // The consumer protocol assigns on the broker and refuses a client-side assignor.
            p.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /**
     * Builds and closes a consumer and a producer with this configuration, without joining the
     * group or sending anything: it loads and links the client classes, so that a JVM waiting for
     * its go (a spare) starts consuming in tens of milliseconds rather than hundreds.
     */
    public static void warmUp(WorkerConfig config) {
        Properties c = consumer(config, "imagefleet-warm-up", null, 1);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscription();
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producer(config, "imagefleet-warm-up"))) {
            producer.metrics();
            producer.close(Duration.ZERO);
        }
    }

    /** The admin client that checks reply topics. */
    public static Properties admin(WorkerConfig config, String clientId) {
        Properties p = config.kafka().clientProperties();
        p.put(org.apache.kafka.clients.admin.AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
        return p;
    }

    /** The largest record the producer sends ({@code max.request.size}, passed through or Kafka's default). */
    public static int maxRecordBytes(WorkerConfig config) {
        String set = config.kafka().clientProperties().getProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return set == null ? Replies.DEFAULT_MAX_RECORD_BYTES : Integer.parseInt(set.trim());
    }

    /** The producer of results and dead letters: acknowledged by all replicas, idempotent. */
    public static Properties producer(WorkerConfig config, String clientId) {
        return producer(config, clientId, null);
    }

    /**
     * The producer of results and dead letters: acknowledged by all replicas, idempotent, and
     * transactional with this id (exactly-once mode) when one is given.
     */
    public static Properties producer(WorkerConfig config, String clientId, String transactionalId) {
        Properties p = config.kafka().clientProperties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Reply topics are checked before a result is sent; this bounds what is left (a full buffer, a
        // topic deleted after its check), so the poll thread never waits the default 60 s.
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(MAX_BLOCK.toMillis()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
