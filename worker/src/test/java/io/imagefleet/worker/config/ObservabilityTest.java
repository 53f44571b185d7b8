package io.imagefleet.worker.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityTest {
    @Test
    void fromEnv_nothingSet_defaults() {
        Observability o = WorkerConfig.fromEnv(Map.of()).observability();

        assertThat(o).isEqualTo(new Observability(9400, LogFormat.TEXT, Duration.ofSeconds(30), Duration.ofSeconds(5), "INFO"));
    }

    @Test
    void fromEnv_everyKeySet_readsThem() {
        Observability o = WorkerConfig.fromEnv(Map.of("IMAGEFLEET_METRICS_PORT", "0", "IMAGEFLEET_LOG_FORMAT", "JSON",
                "IMAGEFLEET_LIVENESS_TIMEOUT", "3s", "IMAGEFLEET_METRICS_INTERVAL", "1s", "IMAGEFLEET_LOG_LEVEL", "debug"))
                .observability();

        assertThat(o).isEqualTo(new Observability(0, LogFormat.JSON, Duration.ofSeconds(3), Duration.ofSeconds(1), "DEBUG"));
        assertThat(o.toString())
                .isEqualTo("{metricsPort=0, logFormat=json, livenessTimeout=3s, metricsInterval=1s, logLevel=DEBUG}");
    }

    @Test
    void fromEnv_unknownLogLevel_isNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("IMAGEFLEET_LOG_LEVEL", "LOUD")))
                .hasMessageContaining("IMAGEFLEET_LOG_LEVEL must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF], got 'LOUD'");
    }
}
