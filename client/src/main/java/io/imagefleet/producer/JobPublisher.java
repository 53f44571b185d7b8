package io.imagefleet.producer;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.InvalidJobException;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes jobs to the jobs topic, keyed by job id. Every job is checked against the schema
 * before it is sent, so a bad job fails here, in the caller's service, not in the fleet. Sends
 * are acknowledged by all in-sync replicas and idempotent. Thread-safe, like the Kafka producer
 * it wraps; close it when done.
 */
public final class JobPublisher implements AutoCloseable {
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final JobCodec codec = new JobCodec();

    /** A publisher with its own Kafka producer. */
    public JobPublisher(KafkaSettings kafka, String jobsTopic) {
        this(new KafkaProducer<>(properties(kafka)), jobsTopic);
    }

    /** A publisher over a producer the caller built (its serializers must be String and byte[]). */
    public JobPublisher(Producer<String, byte[]> producer, String jobsTopic) {
        this.producer = producer;
        this.topic = jobsTopic;
    }

    static Properties properties(KafkaSettings kafka) {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "imagefleet-publisher");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * Publishes a job.
     *
     * @throws IllegalArgumentException when the job breaks a schema rule (the message names it)
     */
    public CompletableFuture<RecordMetadata> publish(Job job) {
        return publish(job, Map.of());
    }

    /** Publishes a job with a correlation id, which its result echoes in a header. */
    public CompletableFuture<RecordMetadata> publish(Job job, String correlationId) {
        return publish(job, correlationId == null ? Map.of() : Map.of(Headers.CORRELATION_ID, correlationId));
    }

    /**
     * Publishes a job with record headers (UTF-8 values): trace context ({@code traceparent},
     * {@code tracestate}), a tenant, {@code imagefleet-correlation-id}. The fleet echoes the
     * correlation id on the result and propagates the trace context.
     *
     * @throws IllegalArgumentException when the job breaks a schema rule (the message names it)
     */
    public CompletableFuture<RecordMetadata> publish(Job job, Map<String, String> headers) {
        byte[] json = codec.encode(job);
        check(json);
        return send(job.id(), json, headers);
    }

    /**
     * Publishes a job given as JSON text, after checking it.
     *
     * @throws IllegalArgumentException when the text is not a valid job (the message names the field)
     */
    public CompletableFuture<RecordMetadata> publishJson(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Job job = check(bytes);
        return send(job.id(), bytes, Map.of());
    }

    private Job check(byte[] json) {
        try {
            return codec.decode(json);
        } catch (InvalidJobException e) {
            throw new IllegalArgumentException("invalid job: " + e.getMessage(), e);
        }
    }

    private CompletableFuture<RecordMetadata> send(String key, byte[] value, Map<String, String> headers) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        producer.send(record, (md, ex) -> {
            if (ex != null) {
                done.completeExceptionally(ex);
            } else {
                done.complete(md);
            }
        });
        return done;
    }

    /** Sends everything buffered and waits for the acknowledgements. */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
