package io.imagefleet.worker.supervise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ChildLogsTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void json_childJsonLine_getsItsSlotAsFirstField() throws Exception {
        ChildLogs.json(out, Clock.systemUTC()).line(1,
                "{\"@timestamp\":\"t\",\"message\":\"job a succeeded\",\"jobId\":\"a\",\"record\":\"jobs-0@3\"}");

        JsonNode line = JsonMapper.builder().build().readTree(text());
        assertThat(text()).startsWith("{\"slot\":\"slot-1\",\"@timestamp\"");
        assertThat(line.get("jobId").asText()).isEqualTo("a");
    }

    @Test
    void json_rawOutputOfASpare_becomesAJsonLineOfItsOwn() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        ChildLogs.json(out, clock).line(-1, "# A fatal error has been detected by the \"Java\" Runtime Environment:");

        JsonNode line = JsonMapper.builder().build().readTree(text());
        assertThat(line.get("slot").asText()).isEqualTo("spare");
        assertThat(line.get("@timestamp").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(line.get("message").asText()).isEqualTo("# A fatal error has been detected by the \"Java\" Runtime Environment:");
    }

    @Test
    void prefixed_anyLine_getsTheSlotPrefix() {
        ChildLogs.prefixed(out).line(0, "hello");

        assertThat(text()).isEqualTo("slot-0| hello");
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8).strip();
    }
}
