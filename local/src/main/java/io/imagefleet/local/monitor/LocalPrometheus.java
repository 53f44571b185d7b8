package io.imagefleet.local.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (Debian's {@code /usr/bin/prometheus}) run as a child process for one
 * machine: a free loopback port, a data directory of its own, one scrape target and the given
 * rule file, scraping and evaluating every two seconds. It answers which alerts fired or were
 * pending over a window; closing it stops the process (SIGTERM, then SIGKILL after 10 s). Used
 * by one thread.
 */
public final class LocalPrometheus implements AutoCloseable {
    /** Where Debian's prometheus package puts the server. */
    public static final Path DEBIAN_BINARY = Path.of("/usr/bin/prometheus");
    static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private LocalPrometheus(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Prometheus scraping {@code target} (host:port) with {@code rules} (none when empty)
     * and waits until it is ready.
     *
     * @param dir where its configuration, data and log go (the caller removes it)
     */
    public static LocalPrometheus start(Path binary, Path dir, String target, Optional<Path> rules) throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is not installed: --monitor needs Prometheus "
                    + "(sudo apt-get install -y prometheus)");
        }
        Path config = Files.writeString(dir.resolve("prometheus.yml"), config(target, rules));
        int port = freePort();
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("data")),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalPrometheus prometheus = new LocalPrometheus(p, port, log);
        try {
            prometheus.awaitReady();
        } catch (RuntimeException | IOException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    static String config(String target, Optional<Path> rules) {
        String interval = INTERVAL.toSeconds() + "s";
        return "# Written by imagefleet demo --monitor.\n"
                + "global:\n  scrape_interval: " + interval + "\n  evaluation_interval: " + interval + "\n"
                + rules.map(r -> "rule_files:\n  - '" + r.toAbsolutePath() + "'\n").orElse("")
                + "scrape_configs:\n  - job_name: imagefleet-demo\n    static_configs:\n      - targets: ['" + target + "']\n";
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** The alerts that were firing at some point of the last {@code window}, each with its labels. */
    public List<String> fired(Duration window) throws IOException {
        return alerts("firing", window);
    }

    /** The alerts that were pending (their condition held, but not for their {@code for:} yet) in the window. */
    public List<String> pending(Duration window) throws IOException {
        return alerts("pending", window);
    }

    /** The number of scrapes of the target that succeeded (its {@code up} was 1) in the window. */
    public int successfulScrapes(Duration window) throws IOException {
        JsonNode result = query("sum_over_time(up[" + seconds(window) + "s])");
        return result.isEmpty() ? 0 : (int) Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    private List<String> alerts(String state, Duration window) throws IOException {
        JsonNode result = query("max by (alertname, code, reason, slot, library, cause, topic) "
                + "(max_over_time(ALERTS{alertstate=\"" + state + "\"}[" + seconds(window) + "s]))");
        List<String> alerts = new ArrayList<>();
        for (JsonNode series : result) {
            Map<String, String> labels = new TreeMap<>();
            series.path("metric").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
            String name = labels.remove("alertname");
            alerts.add(labels.isEmpty() ? name : name + labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", ", " {", "}")));
        }
        alerts.sort(null);
        return alerts;
    }

    private static long seconds(Duration window) {
        return Math.max(window.toSeconds(), INTERVAL.toSeconds());
    }

    /** The result array of an instant query. */
    JsonNode query(String promql) throws IOException {
        URI uri = url().resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build());
        JsonNode body = JsonMapper.builder().build().readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IOException("Prometheus answered " + response.statusCode() + " to " + promql + ": " + response.body());
        }
        return body.path("data").path("result");
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited " + process.exitValue() + " at start: " + logTail());
            }
            try {
                if (send(HttpRequest.newBuilder(url().resolve("-/ready")).timeout(Duration.ofSeconds(2)).build())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            pause(Duration.ofMillis(200));
        }
        throw new IllegalStateException("Prometheus was not ready within " + START_TIMEOUT.toSeconds() + " s: " + logTail());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking Prometheus", e);
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Prometheus starts", e);
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The server's process, for tests that check it is gone. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
