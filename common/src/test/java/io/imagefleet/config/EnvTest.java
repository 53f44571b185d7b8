package io.imagefleet.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvTest {
    enum Delivery { AT_LEAST_ONCE, EXACTLY_ONCE }

    @Test
    void reads_typedValues() {
        Env env = new Env(Map.of("A", "12", "B", "256m", "C", "90s", "D", "yes", "E", "exactly-once", "F", "a, b,,c"));

        assertThat(env.intBetween("A", 1, 1, 100)).isEqualTo(12);
        assertThat(env.bytes("B", 0)).isEqualTo(256L << 20);
        assertThat(env.duration("C", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(env.bool("D", false)).isTrue();
        assertThat(env.oneOf("E", Delivery.AT_LEAST_ONCE, Delivery.class)).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(env.list("F")).containsExactly("a", "b", "c");
        env.validate();
    }

    @Test
    void unset_givesDefaults() {
        Env env = new Env(Map.of("BLANK", "  "));

        assertThat(env.intBetween("BLANK", 7, 1, 10)).isEqualTo(7);
        assertThat(env.string("NONE", "x")).isEqualTo("x");
    }

    @Test
    void validate_badKeys_namesEveryOneAtOnce() {
        Env env = new Env(Map.of("IMAGEFLEET_THREADS", "0", "IMAGEFLEET_CHILD_HEAP", "lots",
                "IMAGEFLEET_JOB_TIMEOUT", "soon", "IMAGEFLEET_DELIVERY", "twice"));
        env.intBetween("IMAGEFLEET_THREADS", 2, 1, 256);
        env.bytes("IMAGEFLEET_CHILD_HEAP", 0);
        env.duration("IMAGEFLEET_JOB_TIMEOUT", Duration.ofSeconds(60));
        env.oneOf("IMAGEFLEET_DELIVERY", Delivery.AT_LEAST_ONCE, Delivery.class);

        assertThatThrownBy(env::validate)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "IMAGEFLEET_THREADS must be between 1 and 256, got '0'",
                        "IMAGEFLEET_CHILD_HEAP must be a size such as 512m, 2g or 1048576, got 'lots'",
                        "IMAGEFLEET_JOB_TIMEOUT must be a duration such as 500ms, 60s, 10m or 2h, got 'soon'",
                        "IMAGEFLEET_DELIVERY must be one of [at-least-once, exactly-once], got 'twice'"));
    }

    @Test
    void kafkaPassthrough_mapsEnvToProperties() {
        Env env = new Env(Map.of("IMAGEFLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "IMAGEFLEET_KAFKA_SASL_JAAS_CONFIG", "secret stuff", "IMAGEFLEET_BOOTSTRAP_SERVERS", "k:9093"));

        KafkaSettings k = KafkaSettings.fromEnv(env);

        assertThat(k.clientProperties())
                .containsEntry("bootstrap.servers", "k:9093")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "secret stuff");
        assertThat(KafkaSettings.masked(k.clientProperties()))
                .containsEntry("sasl.jaas.config", "****")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void byteSize_parsesAndFormats() {
        assertThat(ByteSize.parse("50MiB")).isEqualTo(50L << 20);
        assertThat(ByteSize.parse("1.5g")).isEqualTo(3L << 29);
        assertThat(ByteSize.parse("4096")).isEqualTo(4096);
        assertThat(ByteSize.format(3L << 19)).isEqualTo("1.5 MiB");
    }

    @Test
    void keysRead_afterTypedReads_listsEveryKeyAskedForSetOrNot() {
        Env env = new Env(Map.of("IMAGEFLEET_THREADS", "4", "IMAGEFLEET_UNUSED", "x"));

        env.intBetween("IMAGEFLEET_THREADS", 1, 1, 8);
        env.duration("IMAGEFLEET_JOB_TIMEOUT", java.time.Duration.ofSeconds(60));
        env.list("IMAGEFLEET_FILE_ROOTS");

        assertThat(env.keysRead()).containsExactlyInAnyOrder("IMAGEFLEET_THREADS", "IMAGEFLEET_JOB_TIMEOUT",
                "IMAGEFLEET_FILE_ROOTS");
    }
}
