package io.imagefleet.worker.config;

import io.imagefleet.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerConfigTest {
    @Test
    void fromEnv_overridesThatBreakTheGuarantees_refusedNamingEachSetting() {
        Map<String, String> env = Map.of(
                "IMAGEFLEET_KAFKA_ENABLE_AUTO_COMMIT", "true",
                "IMAGEFLEET_KAFKA_ACKS", "1",
                "IMAGEFLEET_KAFKA_ENABLE_IDEMPOTENCE", "false",
                "IMAGEFLEET_KAFKA_TRANSACTIONAL_ID", "mine",
                "IMAGEFLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");

        assertThatThrownBy(() -> WorkerConfig.fromEnv(env)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).hasSize(4);
            assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                    .startsWith("IMAGEFLEET_KAFKA_ENABLE_AUTO_COMMIT must not be set to 'true'"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("IMAGEFLEET_KAFKA_ACKS must be all, got '1'"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                    .startsWith("IMAGEFLEET_KAFKA_ENABLE_IDEMPOTENCE must not be 'false'"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                    .startsWith("IMAGEFLEET_KAFKA_TRANSACTIONAL_ID must not be set"));
        });
    }

    @Test
    void fromEnv_safeOverridesAndRetrySettings_accepted() {
        WorkerConfig c = WorkerConfig.fromEnv(Map.of(
                "IMAGEFLEET_KAFKA_ACKS", "all",
                "IMAGEFLEET_KAFKA_ENABLE_AUTO_COMMIT", "false",
                "IMAGEFLEET_RETRY_ATTEMPTS", "5",
                "IMAGEFLEET_RETRY_BACKOFF", "200ms",
                "IMAGEFLEET_DELIVERY", "exactly-once"));

        assertThat(c.retry().maxAttempts()).isEqualTo(5);
        assertThat(c.retry().backoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
    }

    @Test
    void fromEnv_backoffLongerThanItsMaximum_refused() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("IMAGEFLEET_RETRY_BACKOFF", "1m",
                "IMAGEFLEET_RETRY_BACKOFF_MAX", "10s"))).hasMessageContaining(
                "IMAGEFLEET_RETRY_BACKOFF must not be longer than IMAGEFLEET_RETRY_BACKOFF_MAX (10s), got '1m'");
    }

    @Test
    void fromEnv_maxAvifPixels_defaultAndSetAndZeroRefused() {
        assertThat(WorkerConfig.fromEnv(Map.of()).limits().maxAvifPixels()).isEqualTo(JobLimits.DEFAULT_MAX_AVIF_PIXELS);
        assertThat(WorkerConfig.fromEnv(Map.of("IMAGEFLEET_MAX_AVIF_PIXELS", "4_000_000")).limits().maxAvifPixels())
                .isEqualTo(4_000_000);
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("IMAGEFLEET_MAX_AVIF_PIXELS", "0")))
                .hasMessageContaining("IMAGEFLEET_MAX_AVIF_PIXELS");
    }
}
