package io.imagefleet.worker.config;

import io.imagefleet.config.Env;
import io.imagefleet.wire.JobCodec;

import java.util.ArrayList;
import java.util.List;

/**
 * Which topics a job may name for its result ({@code replyTo}, or Spring's {@code kafka_replyTopic}
 * header). Immutable.
 *
 * @param topics {@code IMAGEFLEET_REPLY_TOPICS}: exact topic names, and prefixes written with a
 *               trailing {@code *} ({@code imagefleet.*}); by default the results topic and every
 *               name under {@code imagefleet.}
 */
public record ReplySettings(List<String> topics) {
    /** The prefix every topic of the default setting starts with. */
    public static final String DEFAULT_PREFIX = "imagefleet.*";

    public ReplySettings {
        topics = List.copyOf(topics);
    }

    static ReplySettings fromEnv(Env env, String resultsTopic) {
        List<String> listed = env.list("IMAGEFLEET_REPLY_TOPICS");
        if (listed.isEmpty()) {
            return new ReplySettings(List.of(resultsTopic, DEFAULT_PREFIX));
        }
        List<String> out = new ArrayList<>();
        for (String entry : listed) {
            String name = entry.endsWith("*") ? entry.substring(0, entry.length() - 1) : entry;
            String rule = name.isEmpty() ? null : JobCodec.topicRule(name.endsWith(".") ? name + "x" : name);
            if (name.isEmpty() && !entry.equals("*")) {
                rule = "must not be empty";
            }
            if (rule != null) {
                env.reject("IMAGEFLEET_REPLY_TOPICS must list topic names or prefixes ending in '*' (imagefleet.*); "
                        + "'" + entry + "' " + rule);
            }
            out.add(entry);
        }
        return new ReplySettings(out);
    }

    /** Whether a result may be written to {@code topic}. */
    public boolean allows(String topic) {
        for (String entry : topics) {
            if (entry.endsWith("*") ? topic.startsWith(entry.substring(0, entry.length() - 1)) : topic.equals(entry)) {
                return true;
            }
        }
        return false;
    }
}
