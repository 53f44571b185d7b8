package io.imagefleet.local.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.imagefleet.config.Durations;
import io.imagefleet.local.storage.EmbeddedStorage;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The servers of the bench's remote sources, started once for a bench and closed after it: a
 * local HTTP server that answers each GET for an image after a set latency (as an origin or a
 * cross-region bucket would), and the embedded S3 server with the images uploaded to a bucket
 * (outputs go there too). Not thread-safe; the HTTP server serves on virtual threads.
 */
final class SourceServers implements AutoCloseable {
    /** The kinds of source a bench can measure, as {@code --source} names them. */
    enum Kind {
        FILE, HTTP, S3;

        static Kind parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "file" -> FILE;
                case "http" -> HTTP;
                case "s3" -> S3;
                default -> throw new IllegalArgumentException("unknown source '" + s + "' (file, http, s3)");
            };
        }
    }

    static final String BUCKET = "bench";

    private final List<RemoteSource> sources = new ArrayList<>();
    private HttpServer http;
    private ExecutorService httpThreads;
    private EmbeddedStorage storage;

    private SourceServers() {
    }

    /** Starts what the remote kinds among {@code kinds} need; file needs nothing. */
    static SourceServers start(List<Kind> kinds, Duration latency, ImageSet images, Path work, PrintStream log)
            throws IOException {
        SourceServers s = new SourceServers();
        try {
            if (kinds.contains(Kind.HTTP)) {
                s.startHttp(latency, images.root());
            }
            if (kinds.contains(Kind.S3)) {
                log.println("starting the embedded S3 server and uploading the images...");
                s.startS3(images, work.resolve("s3"));
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The remote sources started, in the order asked. */
    List<RemoteSource> sources() {
        return List.copyOf(sources);
    }

    private void startHttp(Duration latency, Path root) throws IOException {
        httpThreads = Executors.newVirtualThreadPerTaskExecutor();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        http.setExecutor(httpThreads);
        http.createContext("/", exchange -> serve(exchange, root, latency));
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort() + "/";
        sources.add(new RemoteSource("http +" + Durations.format(latency),
                "a local HTTP server answering each GET after " + Durations.format(latency),
                image -> base + root.relativize(image.path()).toString().replace('\\', '/'), null,
                Map.of("IMAGEFLEET_HTTP_ALLOW_PRIVATE", "true")));
    }

    private static void serve(HttpExchange exchange, Path root, Duration latency) throws IOException {
        try (exchange) {
            try {
                Thread.sleep(latency); // the latency being simulated, per request
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file) || !"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("Content-Type", "image/jpeg");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void startS3(ImageSet images, Path dir) {
        storage = EmbeddedStorage.onFreePort(dir, List.of(BUCKET)).start();
        Map<Path, String> keys = new HashMap<>();
        try (S3Client s3 = storage.client()) {
            for (ImageSet.Image image : images.images()) {
                String key = "in/" + images.root().relativize(image.path()).toString().replace('\\', '/');
                s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromFile(image.path()));
                keys.put(image.path(), key);
            }
        }
        Map<String, String> env = new HashMap<>(storage.clientEnv());
        env.put("IMAGEFLEET_S3_BUCKETS", BUCKET);
        sources.add(new RemoteSource("s3", "the embedded S3 server (S3Proxy on files, its own JVM) on this machine, "
                + "outputs written to it too", image -> "s3://" + BUCKET + "/" + keys.get(image.path()),
                "s3://" + BUCKET + "/out/", env));
    }

    /** The S3 server's pid while it runs, so its CPU can be told apart; empty otherwise. */
    List<Long> storagePids() {
        return storage == null || !storage.isRunning() ? List.of() : List.of(storage.pid());
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
            httpThreads.close();
        }
        if (storage != null) {
            storage.stop();
        }
    }
}
