package io.imagefleet.worker.config;

import io.imagefleet.config.Durations;
import io.imagefleet.config.Env;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How a worker (or the supervisor) shows what it is doing: its metrics and health port, its log
 * format, when it counts as not live, and how often worker JVMs send their meters to the
 * supervisor. Immutable.
 *
 * @param metricsPort     {@code IMAGEFLEET_METRICS_PORT}: the port of {@code /metrics} and
 *                        {@code /health/*} (0: any free port, logged); served by the supervisor, or
 *                        by a worker that runs on its own
 * @param logFormat       {@code IMAGEFLEET_LOG_FORMAT}: text or json
 * @param livenessTimeout {@code IMAGEFLEET_LIVENESS_TIMEOUT}: {@code /health/live} fails when a poll
 *                        loop has not turned, or a slot has had no worker JVM, for this long
 * @param metricsInterval {@code IMAGEFLEET_METRICS_INTERVAL}: how often a supervised worker JVM sends
 *                        its meters to the supervisor
 * @param logLevel        {@code IMAGEFLEET_LOG_LEVEL}: the root log level (the logging configuration reads
 *                        the variable; it is checked here so that a typo fails at start)
 */
public record Observability(int metricsPort, LogFormat logFormat, Duration livenessTimeout, Duration metricsInterval,
                           String logLevel) {
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    public static final int DEFAULT_METRICS_PORT = 9400;
    public static final Duration DEFAULT_LIVENESS_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_METRICS_INTERVAL = Duration.ofSeconds(5);

    static Observability fromEnv(Env env) {
        Observability o = new Observability(
                env.intBetween("IMAGEFLEET_METRICS_PORT", DEFAULT_METRICS_PORT, 0, 65535),
                env.oneOf("IMAGEFLEET_LOG_FORMAT", LogFormat.TEXT, LogFormat.class),
                env.duration("IMAGEFLEET_LIVENESS_TIMEOUT", DEFAULT_LIVENESS_TIMEOUT),
                env.duration("IMAGEFLEET_METRICS_INTERVAL", DEFAULT_METRICS_INTERVAL),
                env.string("IMAGEFLEET_LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT));
        if (!LEVELS.contains(o.logLevel())) {
            env.reject("IMAGEFLEET_LOG_LEVEL must be one of " + LEVELS + ", got '" + env.get("IMAGEFLEET_LOG_LEVEL").orElse("")
                    + "'");
        }
        if (o.livenessTimeout().compareTo(Duration.ofSeconds(1)) < 0) {
            env.reject("IMAGEFLEET_LIVENESS_TIMEOUT must be at least 1s, got " + Durations.format(o.livenessTimeout()));
        }
        if (o.metricsInterval().compareTo(Duration.ofMillis(100)) < 0
                || o.metricsInterval().compareTo(Duration.ofMinutes(5)) > 0) {
            env.reject("IMAGEFLEET_METRICS_INTERVAL must be between 100ms and 5m, got "
                    + Durations.format(o.metricsInterval()));
        }
        return o;
    }

    @Override
    public String toString() {
        return "{metricsPort=" + metricsPort + ", logFormat=" + logFormat.name().toLowerCase(Locale.ROOT)
                + ", livenessTimeout=" + Durations.format(livenessTimeout) + ", metricsInterval="
                + Durations.format(metricsInterval) + ", logLevel=" + logLevel + "}";
    }
}
