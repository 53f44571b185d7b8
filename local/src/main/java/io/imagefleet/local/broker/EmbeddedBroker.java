package io.imagefleet.local.broker;

import io.imagefleet.local.server.ServerJvm;
import io.imagefleet.worker.supervise.JvmCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one), run as its own
 * JVM from the Kafka jars: storage formatted on first start, data kept in a directory, log in
 * {@code broker.log} there. {@link #start()} returns once the broker answers metadata requests.
 * It can be stopped and started again on the same data directory and ports. Not thread-safe.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final int defaultPartitions;
    private final ServerJvm server;

    /**
     * A broker that will keep its data in {@code dataDir} and listen on {@code port} (0 picks a
     * free one, fixed for the life of this object so a restart keeps the address).
     */
    public EmbeddedBroker(Path dataDir, int port, int defaultPartitions) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port == 0 ? ServerJvm.freePort() : port;
        this.controllerPort = ServerJvm.freePort();
        this.defaultPartitions = defaultPartitions;
        this.server = new ServerJvm("broker", logFile(), STOP_TIMEOUT);
    }

    /** {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("broker.log");
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** The broker JVM's pid, while it runs. */
    public long pid() {
        return server.pid();
    }

    /** Starts the broker (formatting its storage the first time) and waits until it is ready. */
    public EmbeddedBroker start() {
        if (isRunning()) {
            throw new IllegalStateException("the broker is already running on " + bootstrapServers());
        }
        try {
            Files.createDirectories(dataDir);
            Path config = writeConfig();
            Path logback = dataDir.resolve("broker-logback.xml");
            try (var in = EmbeddedBroker.class.getResourceAsStream("/broker-logback.xml")) {
                Files.copy(in, logback, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!Files.exists(dataDir.resolve("kraft").resolve("meta.properties"))) {
                format(config, logback);
            }
            server.start(List.of("-Xms128m", "-Xmx768m", "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + logback),
                    List.of(), "kafka.Kafka", List.of(config.toString()));
            awaitReady();
            log.debug("Kafka broker ready on {} (pid {}, data {})", bootstrapServers(), server.pid(), dataDir);
            return this;
        } catch (IOException e) {
            server.stopQuietly();
            throw new UncheckedIOException("cannot start the embedded broker in " + dataDir, e);
        } catch (RuntimeException e) {
            server.stopQuietly();
            throw e;
        }
    }

    private Path writeConfig() throws IOException {
        Path config = dataDir.resolve("server.properties");
        String props = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dataDir.resolve("kraft"),
                "num.partitions=" + defaultPartitions,
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=6",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // A single node on one machine: fewer threads, faster start.
                "num.network.threads=2",
                "num.io.threads=4",
                "log.flush.interval.messages=9223372036854775807",
                "");
        Files.writeString(config, props, StandardCharsets.UTF_8);
        return config;
    }

    private void format(Path config, Path logback) throws IOException {
        Path out = dataDir.resolve("format.log");
        List<String> cmd = JvmCommand.of("kafka.tools.StorageTool").jvm("-Xmx256m", "-XX:TieredStopAtLevel=1",
                        "-Dlogback.configurationFile=" + logback)
                .args("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted")
                .toList();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the broker storage took over 60 s; see " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while formatting the broker storage", e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("formatting the broker storage failed (exit " + p.exitValue() + "): "
                    + Files.readString(out));
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"))) {
            while (true) {
                server.checkAlive();
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                            .get(4, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw server.notReady(READY_TIMEOUT, "");
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    /** Stops the broker cleanly (SIGTERM, then up to 30 s), killing it if it does not stop. */
    public void stop() {
        server.stop();
    }

    /** Kills the broker JVM at once (SIGKILL), as a crash would; {@link #start()} brings it back. */
    public void kill() throws InterruptedException {
        server.kill();
    }

    @Override
    public void close() {
        stop();
    }
}
