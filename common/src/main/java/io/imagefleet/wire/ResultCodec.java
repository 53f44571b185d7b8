package io.imagefleet.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads and writes results as JSON (UTF-8). Reading ignores unknown fields, so consumers keep
 * working when later versions add some. Thread-safe: one instance may be shared.
 */
public final class ResultCodec {
    private final ObjectMapper mapper = JobCodec.mapper();

    /** Encodes a result as UTF-8 JSON. */
    public byte[] encode(Result result) {
        try {
            return mapper.writeValueAsBytes(result);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a result; throws {@link UncheckedIOException} naming the problem if it is not one. */
    public Result decode(byte[] bytes) {
        try {
            return mapper.readValue(bytes, Result.class);
        } catch (IOException e) {
            throw new UncheckedIOException("not a result: " + e.getMessage(), e);
        }
    }
}
