package io.imagefleet.wire;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

import java.io.UncheckedIOException;

/** Kafka serializer and deserializer for {@link Result} values. Thread-safe. */
public final class ResultSerde implements Serde<Result>, Serializer<Result>, Deserializer<Result> {
    private final ResultCodec codec = new ResultCodec();

    @Override
    public byte[] serialize(String topic, Result result) {
        return result == null ? null : codec.encode(result);
    }

    @Override
    public Result deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return codec.decode(data);
        } catch (UncheckedIOException e) {
            throw new SerializationException("invalid result on " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<Result> serializer() {
        return this;
    }

    @Override
    public Deserializer<Result> deserializer() {
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
