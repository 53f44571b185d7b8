package io.imagefleet.local.monitor;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's Prometheus, for real: Debian's server scraping an endpoint whose dead-letter counter
 * grows, with the shipped rules, fires ImagefleetDeadLetters, and is gone once closed.
 */
class LocalPrometheusTest {
    @TempDir
    Path dir;

    @Test
    void start_shippedRulesOnAGrowingDeadLetterCounter_firesImagefleetDeadLettersAndStopsOnClose() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(LocalPrometheus.DEBIAN_BINARY),
                "prometheus is not installed (apt-get install prometheus): the demo's monitor is not checked");
        Optional<Path> rules = DemoMonitor.findRules();
        assertThat(rules).as("the shipped rules, found from the build").isPresent();
        AtomicInteger scrapes = new AtomicInteger();
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/metrics", exchange -> {
            byte[] body = ("# TYPE imagefleet_dead_letters_total counter\n"
                    + "imagefleet_dead_letters_total{code=\"WORKER_CRASHED\",slot=\"0\"} " + scrapes.getAndIncrement() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
        ProcessHandle server;
        try (LocalPrometheus prometheus = LocalPrometheus.start(LocalPrometheus.DEBIAN_BINARY, dir,
                "127.0.0.1:" + target.getAddress().getPort(), rules)) {
            server = prometheus.handle();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    prometheus.fired(Duration.ofMinutes(2)).stream().anyMatch(a -> a.startsWith("ImagefleetDeadLetters")));

            List<String> fired = prometheus.fired(Duration.ofMinutes(2));
            assertThat(fired).anySatisfy(a -> assertThat(a).isEqualTo("ImagefleetDeadLetters {code=WORKER_CRASHED}"));
            assertThat(prometheus.successfulScrapes(Duration.ofMinutes(2))).isGreaterThanOrEqualTo(2);
            assertThat(scrapes.get()).isGreaterThanOrEqualTo(2);
        } finally {
            target.stop(0);
        }
        assertThat(server.isAlive()).as("Prometheus stopped on close").isFalse();
    }

    @Test
    void config_targetAndRules_writtenForPrometheus() {
        String config = LocalPrometheus.config("127.0.0.1:9400", Optional.of(Path.of("/r/rules.yaml")));

        assertThat(config).contains("scrape_interval: 2s", "evaluation_interval: 2s", "- '/r/rules.yaml'",
                "targets: ['127.0.0.1:9400']");
        assertThat(LocalPrometheus.config("h:1", Optional.empty())).doesNotContain("rule_files");
    }
}
