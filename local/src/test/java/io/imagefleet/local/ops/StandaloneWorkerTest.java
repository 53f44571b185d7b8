package io.imagefleet.local.ops;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.cli.Main;
import io.imagefleet.local.demo.WorkerProcesses;
import io.imagefleet.worker.metrics.PrometheusSamples;
import io.imagefleet.worker.supervise.JvmCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A worker run on its own ({@code imagefleet worker}, no supervisor) and bad configuration at start. */
class StandaloneWorkerTest {
    @TempDir
    Path dir;

    @Test
    void worker_badConfiguration_exitsTwoNamingEveryBadKeyAtOnce() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(JvmCommand.of(Main.class.getName()).jvm("-Xmx64m")
                .args("worker", "--processes", "2").toList()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("IMAGEFLEET_THREADS", "0", "IMAGEFLEET_METRICS_PORT", "http",
                "IMAGEFLEET_LOG_FORMAT", "yaml", "IMAGEFLEET_CHILD_HEAP", "lots", "IMAGEFLEET_JOB_TIMEOUT", "soon"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("invalid configuration:",
                "IMAGEFLEET_THREADS must be between 1 and 256, got '0'",
                "IMAGEFLEET_METRICS_PORT must be a whole number, got 'http'",
                "IMAGEFLEET_LOG_FORMAT must be one of [text, json], got 'yaml'",
                "IMAGEFLEET_CHILD_HEAP must be a size such as 512m, 2g or 1048576, got 'lots'",
                "IMAGEFLEET_JOB_TIMEOUT must be a duration such as 500ms, 60s, 10m or 2h, got 'soon'");
    }

    @Test
    void worker_onItsOwn_servesItsMetricsAndHealth() throws Exception {
        Topics topics = SharedKafka.freshTopics("alone", 1);
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Map<String, String> env = PodProcess.env(topics, in, out);
        try (WorkerProcesses worker = WorkerProcesses.start(1, env, List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"), dir)) {
            Path log = dir.resolve("worker-0.log");
            Pattern portLine = Pattern.compile("on port (\\d+)");
            int[] port = {-1};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Matcher m = portLine.matcher(Files.exists(log) ? Files.readString(log) : "");
                port[0] = m.find() ? Integer.parseInt(m.group(1)) : -1;
                return port[0] > 0;
            });
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).until(() -> get(http, port[0], "/health/ready").statusCode() == 200);

            assertThat(get(http, port[0], "/health/live").statusCode()).isEqualTo(200);
            PrometheusSamples metrics = PrometheusSamples.parse(get(http, port[0], "/metrics").body());
            assertThat(metrics.find("imagefleet_jobs_total", Map.of("slot", "0", "outcome", "succeeded"))).hasSize(1);
            assertThat(metrics.find("imagefleet_poll_age_seconds", Map.of("slot", "0"))).singleElement()
                    .satisfies(s -> assertThat(s.value()).isLessThan(5));
            assertThat(metrics.find("imagefleet_worker_state", Map.of("state", "running"))).singleElement()
                    .satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
            assertThat(worker.stop(60)).containsExactly(0);
        }
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
