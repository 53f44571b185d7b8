package io.imagefleet.local.storage;

import io.imagefleet.local.server.ServerJvm;
import io.imagefleet.local.server.ServerMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real S3-compatible server on one machine: S3Proxy on its filesystem backend, run as its own
 * JVM from its self-contained jar (from Maven Central, copied by the build next to this module's
 * classes), objects kept as files under a data directory, log in {@code storage.log} there. It
 * checks AWS signatures (v2 and v4) against one access key. {@link #start()} creates the buckets
 * and returns once the server answers; it can be stopped and started again on the same data
 * and port (tests stop it to make an outage). Not thread-safe.
 */
public final class EmbeddedStorage implements AutoCloseable {
    public static final String DEFAULT_ACCESS_KEY = "imagefleet";
    public static final String DEFAULT_SECRET_KEY = "imagefleet-secret";
    public static final String REGION = "us-east-1";
    /** Where to find S3Proxy's jar when it is not beside this module's classes. */
    public static final String JAR_PROPERTY = "imagefleet.s3proxy.jar";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedStorage.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final Path dataDir;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private final List<String> buckets;
    private final ServerJvm server;

    /**
     * A server that will keep its objects under {@code dataDir} and listen on {@code port} of the
     * loopback interface (0 picks a free one, fixed for the life of this object so a restart keeps
     * the endpoint), creating {@code buckets} when it starts.
     */
    public EmbeddedStorage(Path dataDir, int port, String accessKey, String secretKey, List<String> buckets) {
        for (String b : buckets) {
            if (!BUCKET.matcher(b).matches()) {
                throw new IllegalArgumentException("bucket names are 3-63 of a-z, 0-9, '.' and '-', got '" + b + "'");
            }
        }
        if (accessKey.isBlank() || secretKey.isBlank()) {
            throw new IllegalArgumentException("the access key and the secret key must not be empty");
        }
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port == 0 ? ServerJvm.freePort() : port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.buckets = List.copyOf(buckets);
        this.server = new ServerJvm("S3 server", logFile(), STOP_TIMEOUT);
    }

    /** A server with the default credentials on a free port. */
    public static EmbeddedStorage onFreePort(Path dataDir, List<String> buckets) {
        return new EmbeddedStorage(dataDir, 0, DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, buckets);
    }

    /** {@code http://127.0.0.1:port}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("storage.log");
    }

    /** The server JVM's pid, while it runs. */
    public long pid() {
        return server.pid();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** The environment a worker (or the AWS CLI) needs to use this server: endpoint, region and keys. */
    public Map<String, String> clientEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("IMAGEFLEET_S3_ENDPOINT", endpoint().toString());
        env.put("IMAGEFLEET_S3_REGION", REGION);
        env.put("AWS_ACCESS_KEY_ID", accessKey);
        env.put("AWS_SECRET_ACCESS_KEY", secretKey);
        env.put("AWS_REGION", REGION);
        return env;
    }

    /** A client for this server (path-style, checksums only where required); close it. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    /** Starts the server, waits until it answers, and creates the buckets. */
    public EmbeddedStorage start() {
        if (isRunning()) {
            throw new IllegalStateException("the S3 server is already running on " + endpoint());
        }
        try {
            Files.createDirectories(dataDir.resolve("objects"));
            Path config = writeConfig();
            // S3Proxy's self-contained jar and ServerMain (which uses only the JDK), none of our dependencies.
            server.start(List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                    List.of(s3proxyJar(), ownClasses()), "org.gaul.s3proxy.Main", List.of("--properties", config.toString()));
            awaitReadyAndCreateBuckets();
            log.debug("S3 server ready on {} (pid {}, data {})", endpoint(), server.pid(), dataDir);
            return this;
        } catch (IOException e) {
            server.stopQuietly();
            throw new UncheckedIOException("cannot start the embedded S3 server in " + dataDir, e);
        } catch (RuntimeException e) {
            server.stopQuietly();
            throw e;
        }
    }

    private Path writeConfig() throws IOException {
        Path config = dataDir.resolve("s3proxy.properties");
        String props = String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + dataDir.resolve("objects"),
                "");
        Files.writeString(config, props, StandardCharsets.UTF_8);
        return config;
    }

    private void awaitReadyAndCreateBuckets() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (S3Client s3 = client()) {
            while (true) {
                server.checkAlive();
                try {
                    s3.listBuckets();
                    break;
                } catch (SdkException e) {
                    if (System.nanoTime() > deadline) {
                        throw server.notReady(READY_TIMEOUT, e.getMessage());
                    }
                }
                Thread.sleep(100);
            }
            for (String bucket : buckets) {
                try {
                    s3.createBucket(b -> b.bucket(bucket));
                } catch (S3Exception e) {
                    if (e.statusCode() != 409) { // 409: kept from an earlier run on the same data directory
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the S3 server", e);
        }
    }

    /** Stops the server (SIGTERM, then up to 20 s), killing it if it does not stop. */
    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        stop();
    }

    /** Where this module's classes are (a jar or a directory): ServerMain is loaded from there. */
    private static Path ownClasses() {
        try {
            return Path.of(ServerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the imagefleet-local classes", e);
        }
    }

    /**
     * S3Proxy's jar: the {@value #JAR_PROPERTY} system property, else {@code storage/s3proxy.jar}
     * beside this module's classes ({@code local/target/}), where the build copies it.
     */
    static Path s3proxyJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        Path jar = configured != null ? Path.of(configured) : ownClasses().getParent().resolve("storage").resolve("s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy's jar is not at " + jar + "; build the project (mvn package, or run "
                    + "./imagefleet, which builds it) or set -D" + JAR_PROPERTY);
        }
        return jar;
    }
}
