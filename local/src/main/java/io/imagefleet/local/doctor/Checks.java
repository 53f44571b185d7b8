package io.imagefleet.local.doctor;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.worker.DecodePath;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The checks of {@code imagefleet doctor}, one method each, every one answering with findings
 * rather than throwing: the JDK, Maven, the native codecs, local ports, and a broker or an S3
 * store when given. Stateless.
 */
final class Checks {
    static final int MIN_JDK = 25;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Checks() {
    }

    /** The JDK running the CLI (the launcher's): the worker JVMs run on it too. */
    static Finding jdk(Runtime.Version version, String vendor, String home) {
        String what = version + " (" + vendor + ") at " + home;
        return version.feature() >= MIN_JDK ? Finding.ok("JDK", what)
                : Finding.fail("JDK", what + " is older than " + MIN_JDK,
                "install a JDK " + MIN_JDK + " (for example Temurin " + MIN_JDK + ") and set IMAGEFLEET_JAVA_HOME to it");
    }

    /** Maven, which the launcher needs to build imagefleet (again after a change). */
    static Finding maven(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Finding.warn("Maven", "`" + String.join(" ", command) + "` did not answer in 60 s", "check the Maven installation");
            }
            String first = out.lines().findFirst().orElse("").replaceAll("\u001B\\[[0-9;]*m", "").strip();
            return p.exitValue() == 0 ? Finding.ok("Maven", first)
                    : Finding.warn("Maven", "`" + String.join(" ", command) + "` exited " + p.exitValue() + ": " + first,
                    "check the Maven installation (mvn -v)");
        } catch (IOException e) {
            return Finding.warn("Maven", "not found on the PATH (" + e.getMessage() + ")",
                    "install Maven 3.9 or later (sudo apt-get install -y maven): ./imagefleet builds itself with it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.warn("Maven", "interrupted while asking it its version", "run ./imagefleet doctor again");
        }
    }

    /** The native codecs a worker JVM here would load, and the decode path that follows. */
    static List<Finding> natives(DecodePath path) {
        List<Finding> findings = new ArrayList<>();
        String headline = path.lines().get(0).replaceFirst("^decode path: ", "");
        if (path.nativeJpeg() || path.off()) {
            findings.add(Finding.ok("decode path", headline));
        } else {
            findings.add(Finding.warn("decode path", headline, path.install().orElse(
                    "install libjpeg-turbo's TurboJPEG library (libturbojpeg.so.0) with this system's package manager")));
        }
        for (String line : path.report()) {
            int colon = line.indexOf(": ");
            String library = colon > 0 ? line.substring(0, colon) : line;
            String detail = colon > 0 ? line.substring(colon + 2) : "";
            boolean loaded = !path.missing().contains(library);
            findings.add(loaded || path.off() ? Finding.ok(library, detail) : Finding.warn(library, detail,
                    path.install().orElse("install " + library + " with this system's package manager")));
        }
        return findings;
    }

    /** Whether a local port the fleet uses by default is free on the loopback address. */
    static Finding port(int port, String user) {
        try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return Finding.ok("port " + port, "free (" + user + ")");
        } catch (IOException e) {
            return Finding.warn("port " + port, "in use (" + user + "): " + e.getMessage(),
                    "stop what listens there (ss -ltnp 'sport = :" + port + "') or give the command another port "
                            + "(0 picks a free one)");
        }
    }

    /** A broker: it answers, how many nodes it has, and whether the fleet's topics are there. */
    static List<Finding> broker(KafkaSettings kafka, Topics topics) {
        String subject = "Kafka at " + kafka.bootstrapServers();
        Properties props = kafka.clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "imagefleet-doctor");
        List<Finding> findings = new ArrayList<>();
        try (Admin admin = Admin.create(props)) {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()));
            int nodes = cluster.nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            String id = cluster.clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            findings.add(Finding.ok(subject, "cluster " + id + ", " + nodes + " node(s)"));
            Set<String> names = admin.listTopics(new ListTopicsOptions().timeoutMs((int) TIMEOUT.toMillis())).names()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<String> missing = List.of(topics.jobs(), topics.results(), topics.dlq()).stream()
                    .filter(t -> !names.contains(t)).toList();
            findings.add(missing.isEmpty() ? Finding.ok("topics", topics.jobs() + ", " + topics.results() + ", " + topics.dlq())
                    : Finding.warn("topics", "missing on " + kafka.bootstrapServers() + ": " + String.join(", ", missing),
                    "create them (deploy/README.md, \"Installing on Kubernetes\") or run ./imagefleet broker, which does"));
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            findings.add(Finding.fail(subject, "does not answer within " + TIMEOUT.toSeconds() + " s ("
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")",
                    "check the address, that the broker runs (./imagefleet broker for one here), and IMAGEFLEET_KAFKA_* "
                            + "for TLS or SASL"));
        } catch (RuntimeException e) {
            findings.add(Finding.fail(subject, "cannot be asked: " + e.getMessage(),
                    "check IMAGEFLEET_BOOTSTRAP_SERVERS and the IMAGEFLEET_KAFKA_* client properties"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            findings.add(Finding.fail(subject, "interrupted while asking it", "run ./imagefleet doctor again"));
        }
        return findings;
    }

    /** An S3 endpoint answers HTTP at all (any status: an S3 store answers 403 to an unsigned request). */
    static Finding store(URI endpoint) {
        String subject = "S3 store at " + endpoint;
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            return Finding.ok(subject, "answers HTTP " + response.statusCode()
                    + response.headers().firstValue("Server").map(s -> " (" + s + ")").orElse(""));
        } catch (IOException e) {
            return Finding.fail(subject, "does not answer (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    "check IMAGEFLEET_S3_ENDPOINT, and that the store runs (./imagefleet storage for one here)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.fail(subject, "interrupted while asking it", "run ./imagefleet doctor again");
        }
    }
}
