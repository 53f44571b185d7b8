package io.imagefleet.config;

import org.apache.kafka.clients.CommonClientConfigs;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How to reach the cluster: the bootstrap servers plus every {@code IMAGEFLEET_KAFKA_<PROPERTY>}
 * passed through as a client property ({@code IMAGEFLEET_KAFKA_SECURITY_PROTOCOL=SASL_SSL}
 * becomes {@code security.protocol}), so TLS, SASL and OAuth need no code. Immutable.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> passthrough) {
    public static final String BOOTSTRAP_KEY = "IMAGEFLEET_BOOTSTRAP_SERVERS";
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    public static final String PASSTHROUGH_PREFIX = "IMAGEFLEET_KAFKA_";
    private static final Pattern SECRET = Pattern.compile("password|secret|jaas|token|credential|key$",
            Pattern.CASE_INSENSITIVE);

    public KafkaSettings {
        passthrough = Map.copyOf(passthrough);
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of());
    }

    public static KafkaSettings fromEnv(Env env) {
        Map<String, String> pass = new TreeMap<>();
        env.raw().forEach((k, v) -> {
            if (k.startsWith(PASSTHROUGH_PREFIX) && k.length() > PASSTHROUGH_PREFIX.length()) {
                pass.put(k.substring(PASSTHROUGH_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return new KafkaSettings(env.string(BOOTSTRAP_KEY, DEFAULT_BOOTSTRAP), pass);
    }

    /** This with a different bootstrap address (command-line flags win over the environment). */
    public KafkaSettings withBootstrapServers(String servers) {
        return new KafkaSettings(servers, passthrough);
    }

    /** The properties every client gets: bootstrap servers, then the pass-through ones. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putAll(passthrough);
        return p;
    }

    /** Whether a property holds a secret and must be masked in logs. */
    public static boolean isSecret(String property) {
        return SECRET.matcher(property).find();
    }

    /** The properties for logging, secrets replaced by {@code ****}. */
    public static Map<String, String> masked(Properties props) {
        Map<String, String> out = new TreeMap<>();
        props.forEach((k, v) -> out.put(k.toString(), isSecret(k.toString()) ? "****" : String.valueOf(v)));
        return out;
    }
}
