package io.imagefleet.client;

import io.imagefleet.config.Env;
import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.wire.JobCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link FleetClient} reaches the fleet: the cluster, the jobs topic, the topic its results
 * come back on, and how long {@link FleetClient#submit} waits for one. Immutable.
 *
 * @param kafka      the bootstrap servers and pass-through client properties (TLS, SASL)
 * @param jobsTopic  {@code IMAGEFLEET_JOBS_TOPIC}: where jobs are published
 * @param replyTopic {@code IMAGEFLEET_CLIENT_REPLY_TOPIC}: the topic submitted jobs name as their
 *                   {@code replyTo} and the client reads (default: {@code IMAGEFLEET_RESULTS_TOPIC},
 *                   which needs no fleet configuration; a topic of your own must be one the fleet
 *                   may write to)
 * @param timeout    {@code IMAGEFLEET_CLIENT_TIMEOUT}: how long a submitted job's future waits for its
 *                   result before it fails with a {@link java.util.concurrent.TimeoutException}
 */
public record ClientConfig(KafkaSettings kafka, String jobsTopic, String replyTopic, Duration timeout) {
    /** The default time a submitted job waits for its result. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    public static final String REPLY_TOPIC_KEY = "IMAGEFLEET_CLIENT_REPLY_TOPIC";
    public static final String TIMEOUT_KEY = "IMAGEFLEET_CLIENT_TIMEOUT";

    public ClientConfig {
        Objects.requireNonNull(kafka, "kafka");
        List<String> problems = new ArrayList<>();
        topic("jobsTopic", jobsTopic, problems);
        topic("replyTopic", replyTopic, problems);
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            problems.add("Invalid value " + timeout + " for timeout: must be positive");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static void topic(String name, String value, List<String> problems) {
        String rule = value == null ? "must be set" : JobCodec.topicRule(value);
        if (rule != null) {
            problems.add("Invalid value " + value + " for " + name + ": " + rule);
        }
    }

    /** The default topics and timeout against {@code bootstrapServers}. */
    public static ClientConfig of(String bootstrapServers) {
        return new ClientConfig(KafkaSettings.of(bootstrapServers), Topics.DEFAULT_JOBS, Topics.DEFAULT_RESULTS,
                DEFAULT_TIMEOUT);
    }

    /**
     * From environment variables: {@code IMAGEFLEET_BOOTSTRAP_SERVERS}, {@code IMAGEFLEET_KAFKA_*},
     * {@code IMAGEFLEET_JOBS_TOPIC}, {@code IMAGEFLEET_RESULTS_TOPIC}, {@value #REPLY_TOPIC_KEY} and
     * {@value #TIMEOUT_KEY}; every bad key is named at once.
     */
    public static ClientConfig fromEnv(Map<String, String> env) {
        Env e = new Env(env);
        KafkaSettings kafka = KafkaSettings.fromEnv(e);
        Topics topics = Topics.fromEnv(e);
        String reply = e.string(REPLY_TOPIC_KEY, topics.results());
        Duration timeout = e.duration(TIMEOUT_KEY, DEFAULT_TIMEOUT);
        e.validate();
        return new ClientConfig(kafka, topics.jobs(), reply, timeout);
    }

    public ClientConfig withJobsTopic(String topic) {
        return new ClientConfig(kafka, topic, replyTopic, timeout);
    }

    public ClientConfig withReplyTopic(String topic) {
        return new ClientConfig(kafka, jobsTopic, topic, timeout);
    }

    public ClientConfig withTimeout(Duration t) {
        return new ClientConfig(kafka, jobsTopic, replyTopic, t);
    }
}
