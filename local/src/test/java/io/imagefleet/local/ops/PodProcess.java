package io.imagefleet.local.ops;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.cli.Main;
import io.imagefleet.worker.metrics.PrometheusSamples;
import io.imagefleet.worker.supervise.JvmCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A pod as Kubernetes runs it: {@code imagefleet worker --processes N} as its own process (the
 * supervisor and its worker JVMs), its output in {@code pod.log}, its endpoint on a free port read
 * from its log. Closing sends SIGTERM and waits.
 */
final class PodProcess implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("serving /metrics, /health/live and /health/ready on port (\\d+)");

    final Path log;
    final Process process;
    final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PodProcess(Path log, Process process, int port) {
        this.log = log;
        this.process = process;
        this.port = port;
    }

    /** The environment a test pod's JVMs get: the shared broker, the test's topics, small JVMs, port 0. */
    static Map<String, String> env(Topics topics, Path in, Path out) {
        Map<String, String> env = SharedKafka.workerEnv(topics, in, out);
        env.put("IMAGEFLEET_CHILD_HEAP", "160m");
        // C1 only and one GC thread: the worker JVMs start faster and leave the two cores to the work.
        env.put("IMAGEFLEET_CHILD_JVM_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        env.put("IMAGEFLEET_METRICS_PORT", "0");
        env.put("HOSTNAME", "test");
        return env;
    }

    static PodProcess start(Path dir, int processes, Map<String, String> env) {
        try {
            Path log = dir.resolve("pod.log");
            ProcessBuilder pb = new ProcessBuilder(JvmCommand.of(Main.class.getName()).jvm("-Xmx128m")
                    .args("worker", "--processes", Integer.toString(processes)).toList())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            int[] port = {-1};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!p.isAlive()) {
                    throw new AssertionError("the pod exited " + p.exitValue() + ":\n" + Files.readString(log));
                }
                Matcher m = PORT.matcher(Files.readString(log));
                if (m.find()) {
                    port[0] = Integer.parseInt(m.group(1));
                }
                return port[0] > 0;
            });
            return new PodProcess(log, p, port[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    PrometheusSamples scrape() {
        return PrometheusSamples.parse(get("/metrics").body());
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM, then the exit code (killed after a minute). */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
