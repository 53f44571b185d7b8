package io.imagefleet.worker.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Optional;

/**
 * Writes {@link ControlMessage}s as single JSON lines and reads them back. A line that is not a
 * message, or a message of a type this side does not know, reads as empty; an enum value this side
 * does not know reads as the enum's {@code UNKNOWN} (a message without such a constant, and so
 * without a default, reads as empty). Thread-safe.
 */
public final class ControlCodec {
    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
            .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            .build();

    /** The message as one line of JSON, without the line break. */
    public String encode(ControlMessage message) {
        try {
            return mapper.writerFor(ControlMessage.class).writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    /** The message on a line, or empty when the line is not one this side knows. */
    public Optional<ControlMessage> decode(String line) {
        if (line.isEmpty() || line.charAt(0) != '{') {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(mapper.readValue(line, ControlMessage.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
