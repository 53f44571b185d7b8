package io.imagefleet.sample;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The service's runtime class path (written by the build from its dependency tree) holds no CLI library. */
class SampleDependenciesTest {
    static List<String> runtimeClasspath() throws IOException {
        try (InputStream in = ThumbnailService.class.getResourceAsStream("/imagefleet-sample/runtime-classpath.txt")) {
            assertThat(in).as("the build writes the class path").isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return Arrays.stream(text.split(File.pathSeparator)).toList();
        }
    }

    @Test
    void runtimeClasspath_dependsOnTheClient_noCliLibrary() throws IOException {
        List<String> entries = runtimeClasspath();

        // In a reactor build the client is its module's classes (or jar), not a file in a repository.
        assertThat(entries).anyMatch(e -> e.contains("imagefleet-client-") || e.replace('\\', '/').endsWith("client/target/classes"));
        assertThat(entries).noneMatch(e -> e.contains("picocli") || e.contains("progressbar") || e.contains("jline")
                || e.contains("imagefleet-producer") || e.contains("imagefleet-worker") || e.contains("logback"));
    }

    @Test
    void runtimeClasspath_kafkaClients_isThe39Line() throws IOException {
        List<String> names = runtimeClasspath().stream().map(p -> Path.of(p).getFileName().toString()).toList();

        assertThat(names).contains("kafka-clients-3.9.1.jar").noneMatch(e -> e.startsWith("kafka-clients-4"));
    }
}
