package io.imagefleet.worker.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagefleet.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The one HTTP endpoint of a pod (served by the supervisor, or by a worker that runs on its own),
 * on the JDK's built-in server: {@code GET /metrics} (Prometheus text), {@code GET /health/live}
 * and {@code GET /health/ready} (200 when up, 503 when down, with a JSON body saying why). Two
 * named daemon threads answer; a scrape or a check never blocks the work. Thread-safe.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    public static final String METRICS_PATH = "/metrics";
    public static final String LIVE_PATH = "/health/live";
    public static final String READY_PATH = "/health/ready";

    private final HttpServer server;
    private final ExecutorService threads;
    private final Supplier<String> metrics;
    private final HealthCheck health;
    private final ObjectMapper json = JsonMapper.builder().build();

    private HealthServer(HttpServer server, ExecutorService threads, Supplier<String> metrics, HealthCheck health) {
        this.server = server;
        this.threads = threads;
        this.metrics = metrics;
        this.health = health;
    }

    /**
     * Binds {@code port} on every interface (0: any free port) and starts answering.
     *
     * @param metrics the Prometheus text of every meter, made at each scrape
     * @throws ConfigException when the port cannot be bound (in use), naming the setting
     */
    public static HealthServer start(int port, Supplier<String> metrics, HealthCheck health) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (BindException e) {
            throw new ConfigException(List.of("IMAGEFLEET_METRICS_PORT " + port + " cannot be bound (" + e.getMessage()
                    + "): another process serves it; choose a free port, or 0 for any free one"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "imagefleet-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HealthServer s = new HealthServer(server, threads, metrics, health);
        server.setExecutor(threads);
        server.createContext("/", s::handle);
        server.start();
        log.info("serving /metrics, /health/live and /health/ready on port {}", s.port());
        return s;
    }

    /** The port bound (the one chosen, when 0 was asked for). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case METRICS_PATH -> send(exchange, 200, PROMETHEUS_TEXT, metrics.get());
                case LIVE_PATH -> health(exchange, health.live());
                case READY_PATH -> health(exchange, health.ready());
                case "/", "/health" -> send(exchange, 200, "text/plain; charset=utf-8",
                        "imagefleet: /metrics (Prometheus), /health/live, /health/ready\n");
                default -> send(exchange, 404, "text/plain; charset=utf-8", "not found; try /metrics, /health/live or /health/ready\n");
            }
        } catch (RuntimeException e) {
            log.warn("answering {} failed", exchange.getRequestURI(), e);
        }
    }

    private void health(HttpExchange exchange, Health h) throws IOException {
        String body;
        try {
            body = json.writerWithDefaultPrettyPrinter().writeValueAsString(h.body()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a health answer", e);
        }
        send(exchange, h.up() ? 200 : 503, "application/json", body);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
