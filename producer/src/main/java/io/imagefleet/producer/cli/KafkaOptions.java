package io.imagefleet.producer.cli;

import io.imagefleet.config.Env;
import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/**
 * The connection flags every client command shares. Each flag overrides its environment
 * variable; unset flags fall back to the environment, then to the defaults.
 */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (IMAGEFLEET_BOOTSTRAP_SERVERS, default 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--jobs-topic", description = "Jobs topic (IMAGEFLEET_JOBS_TOPIC, default imagefleet.jobs).")
    String jobsTopic;

    @Option(names = "--results-topic", description = "Results topic (IMAGEFLEET_RESULTS_TOPIC, default imagefleet.results).")
    String resultsTopic;

    @Option(names = "--dlq-topic", description = "Dead-letter topic (IMAGEFLEET_DLQ_TOPIC, default imagefleet.jobs.dlq).")
    String dlqTopic;

    /** The environment with the flags written over it. */
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        put(env, KafkaSettings.BOOTSTRAP_KEY, bootstrapServers);
        put(env, "IMAGEFLEET_JOBS_TOPIC", jobsTopic);
        put(env, "IMAGEFLEET_RESULTS_TOPIC", resultsTopic);
        put(env, "IMAGEFLEET_DLQ_TOPIC", dlqTopic);
        return env;
    }

    public KafkaSettings kafka() {
        return KafkaSettings.fromEnv(new Env(environment()));
    }

    public Topics topics() {
        return Topics.fromEnv(new Env(environment()));
    }

    private static void put(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }
}
