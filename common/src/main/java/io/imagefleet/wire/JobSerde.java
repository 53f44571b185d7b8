package io.imagefleet.wire;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/**
 * Kafka serializer and deserializer for {@link Job} values. Deserializing an invalid job throws
 * a {@link SerializationException} whose cause is the {@link InvalidJobException}. Thread-safe.
 */
public final class JobSerde implements Serde<Job>, Serializer<Job>, Deserializer<Job> {
    private final JobCodec codec = new JobCodec();

    @Override
    public byte[] serialize(String topic, Job job) {
        return job == null ? null : codec.encode(job);
    }

    @Override
    public Job deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return codec.decode(data);
        } catch (InvalidJobException e) {
            throw new SerializationException("invalid job on " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<Job> serializer() {
        return this;
    }

    @Override
    public Deserializer<Job> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing held
    }
}
