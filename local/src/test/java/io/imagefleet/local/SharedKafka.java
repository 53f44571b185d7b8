package io.imagefleet.local;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.local.broker.EmbeddedBroker;
import io.imagefleet.local.broker.TopicSetup;
import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One real Kafka broker for all the tests of a test JVM, started on first use and stopped when
 * the JVM exits. Tests share it and stay apart by using fresh topics and group ids.
 *
 * <p>Which broker is the one switch {@value #SWITCH} (a system property; Maven passes
 * {@code -Dimagefleet.test.kafka=...} on to the tests): {@code auto} (the default) runs the
 * official {@code apache/kafka} image of the client's version in a Testcontainers container when
 * a Docker engine is reachable, and the embedded broker otherwise; {@code container} insists on
 * the container; {@code embedded} always uses the embedded KRaft broker (a child JVM from the
 * Kafka jars). Which one was chosen, and why, is printed once.
 */
public final class SharedKafka {
    /** The system property that chooses the broker: auto, container or embedded. */
    public static final String SWITCH = "imagefleet.test.kafka";

    private static String bootstrap;

    private SharedKafka() {
    }

    /** The bootstrap address of the shared broker, starting it if needed. */
    public static synchronized String bootstrapServers() {
        if (bootstrap == null) {
            bootstrap = start(System.getProperty(SWITCH, "auto").toLowerCase(Locale.ROOT));
        }
        return bootstrap;
    }

    private static String start(String mode) {
        switch (mode) {
            case "embedded" -> {
                return embedded("embedded broker (" + SWITCH + "=embedded)");
            }
            case "container" -> {
                return container();
            }
            case "auto" -> {
                if (DockerClientFactory.instance().isDockerAvailable()) {
                    return container();
                }
                return embedded("embedded broker: no Docker engine is reachable for a Testcontainers Kafka container"
                        + " (" + SWITCH + "=auto)");
            }
            default -> throw new IllegalArgumentException(SWITCH + " must be auto, container or embedded, got '" + mode + "'");
        }
    }

    private static String embedded(String why) {
        try {
            EmbeddedBroker broker = new EmbeddedBroker(Files.createTempDirectory("imagefleet-test-broker-"), 0, 3).start();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "shared-broker-stop"));
            announce(why, broker.bootstrapServers());
            return broker.bootstrapServers();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String container() {
        DockerImageName image = DockerImageName.parse("apache/kafka").withTag(AppInfoParser.getVersion());
        KafkaContainer kafka = new KafkaContainer(image);
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "shared-broker-stop"));
        announce("Testcontainers Kafka container " + image + " (" + SWITCH + ")", kafka.getBootstrapServers());
        return kafka.getBootstrapServers();
    }

    private static void announce(String what, String servers) {
        String line = "SharedKafka: " + what + " at " + servers;
        System.out.println(line);
        System.err.println(line);
    }

    public static KafkaSettings kafka() {
        return KafkaSettings.of(bootstrapServers());
    }

    /**
     * A worker's settings for one test: the broker at {@code bootstrap}, the test's topics and a
     * group of their own, its input and output roots, one thread. Mutable, for the test to add to.
     */
    public static Map<String, String> workerEnv(String bootstrap, Topics topics, Path in, Path out) {
        Map<String, String> env = new HashMap<>();
        env.put("IMAGEFLEET_BOOTSTRAP_SERVERS", bootstrap);
        env.put("IMAGEFLEET_JOBS_TOPIC", topics.jobs());
        env.put("IMAGEFLEET_RESULTS_TOPIC", topics.results());
        env.put("IMAGEFLEET_DLQ_TOPIC", topics.dlq());
        env.put("IMAGEFLEET_GROUP_ID", "g-" + topics.jobs());
        env.put("IMAGEFLEET_FILE_ROOTS", in.toString());
        env.put("IMAGEFLEET_OUTPUT_ROOTS", out.toString());
        env.put("IMAGEFLEET_THREADS", "1");
        return env;
    }

    /** {@link #workerEnv(String, Topics, Path, Path)} against the shared broker. */
    public static Map<String, String> workerEnv(Topics topics, Path in, Path out) {
        return workerEnv(bootstrapServers(), topics, in, out);
    }

    /** Fresh jobs, results and DLQ topics (created, with the given partitions) for one test. */
    public static Topics freshTopics(String prefix, int partitions) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(id + ".jobs", id + ".results", id + ".dlq");
        TopicSetup.ensure(kafka(), topics, partitions, (short) 1);
        return topics;
    }
}
