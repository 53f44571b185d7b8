package io.imagefleet.wire;

import io.imagefleet.config.Topics;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** schemas/asyncapi.yaml names the topics, headers and payload schemas the code uses. */
class AsyncApiDocumentTest {
    private static final Path SCHEMAS = Path.of("..", "schemas");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    private static Object at(Map<String, Object> doc, String... path) {
        Object node = doc;
        for (String p : path) {
            assertThat(node).as("a mapping above %s", p).isInstanceOf(Map.class);
            node = map(node).get(p);
        }
        return node;
    }

    private static Map<String, Object> document() throws IOException {
        return new Yaml().load(Files.readString(SCHEMAS.resolve("asyncapi.yaml")));
    }

    @Test
    void channels_addressTheDefaultTopics() throws IOException {
        Map<String, Object> doc = document();

        assertThat(at(doc, "asyncapi")).isEqualTo("3.0.0");
        assertThat(at(doc, "channels", "jobs", "address")).isEqualTo(Topics.DEFAULT_JOBS);
        assertThat(at(doc, "channels", "results", "address")).isEqualTo(Topics.DEFAULT_RESULTS);
        assertThat(at(doc, "channels", "deadLetters", "address")).isEqualTo(Topics.DEFAULT_DLQ);
    }

    @Test
    void messages_payloadsAreTheSchemaFiles() throws IOException {
        Map<String, Object> doc = document();

        for (String[] m : new String[][] {{"job", "./job.v1.json"}, {"result", "./result.v1.json"}}) {
            Object ref = at(doc, "components", "messages", m[0], "payload", "schema", "$ref");
            assertThat(ref).isEqualTo(m[1]);
            assertThat(SCHEMAS.resolve(m[1])).isRegularFile();
        }
    }

    @Test
    void headers_areTheContractsHeaders() throws IOException {
        Map<String, Object> doc = document();

        assertThat(map(at(doc, "components", "messages", "job", "headers", "properties")))
                .containsKeys(Headers.CORRELATION_ID, Headers.TRACEPARENT);
        assertThat(map(at(doc, "components", "messages", "result", "headers", "properties")))
                .containsKeys(Headers.CORRELATION_ID, Headers.TRACEPARENT);
        assertThat(map(at(doc, "components", "messages", "deadLetter", "headers", "properties")))
                .containsKeys(Headers.ERROR_CODE, Headers.ERROR_MESSAGE, Headers.ORIGINAL_TOPIC,
                        Headers.ORIGINAL_PARTITION, Headers.ORIGINAL_OFFSET, Headers.ATTEMPTS, Headers.FAILED_AT);
        assertThat(list(at(doc, "components", "messages", "deadLetter", "headers", "required")))
                .containsExactlyInAnyOrder(Headers.ERROR_CODE, Headers.ERROR_MESSAGE, Headers.ORIGINAL_TOPIC,
                        Headers.ORIGINAL_PARTITION, Headers.ORIGINAL_OFFSET, Headers.ATTEMPTS, Headers.FAILED_AT);
    }
}
