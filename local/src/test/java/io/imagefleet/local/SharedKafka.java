package io.imagefleet.local;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.local.broker.EmbeddedBroker;
import io.imagefleet.local.broker.TopicSetup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.UUID;

/**
 * One real Kafka broker for all the tests of a test JVM, started on first use and stopped when
 * the JVM exits. Tests share it and stay apart by using fresh topics and group ids.
 */
public final class SharedKafka {
    private static EmbeddedBroker broker;

    private SharedKafka() {
    }

    /** The bootstrap address of the shared broker, starting it if needed. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                broker = new EmbeddedBroker(Files.createTempDirectory("imagefleet-test-broker-"), 0, 3).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "shared-broker-stop"));
        }
        return broker.bootstrapServers();
    }

    public static KafkaSettings kafka() {
        return KafkaSettings.of(bootstrapServers());
    }

    /** Fresh jobs, results and DLQ topics (created, with the given partitions) for one test. */
    public static Topics freshTopics(String prefix, int partitions) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(id + ".jobs", id + ".results", id + ".dlq");
        TopicSetup.ensure(kafka(), topics, partitions, (short) 1);
        return topics;
    }
}
