package io.imagefleet.local.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.worker.metrics.PrometheusSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipped Grafana dashboard and alert rules ({@code deploy/monitoring}) name series a live
 * fleet serves: a pod ({@code imagefleet worker --processes 2}) runs on the shared broker, and
 * every series named by a dashboard query or an alert expression is in its {@code /metrics}
 * (Kafka Exporter's {@code kafka_consumergroup_lag}, which the rules read on purpose, aside).
 */
class MonitoringSeriesTest {
    private static final Path MONITORING = Path.of("..", "deploy", "monitoring").toAbsolutePath().normalize();
    /** Series the rules read from other exporters: Kafka Exporter's lag answers when no worker is up. */
    private static final Set<String> NOT_THE_WORKERS = Set.of("kafka_consumergroup_lag");
    private static final Pattern SERIES = Pattern.compile("\\b((?:imagefleet|kafka|jvm|process|system)_[a-z_]+)\\b");
    private static final Pattern LABELS = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)|\\{[^}]*}");

    @TempDir
    Path dir;

    @Test
    void dashboardAndRules_seriesNamed_areServedByALivePod() throws Exception {
        Map<String, String> named = new TreeMap<>();
        dashboardQueries().forEach((where, expr) -> seriesIn(expr).forEach(s -> named.putIfAbsent(s, where)));
        ruleExpressions().forEach((where, expr) -> seriesIn(expr).forEach(s -> named.putIfAbsent(s, where)));
        NOT_THE_WORKERS.forEach(named::remove);

        Topics topics = SharedKafka.freshTopics("series", 2);
        Map<String, String> env = PodProcess.env(topics, Files.createDirectories(dir.resolve("in")),
                Files.createDirectories(dir.resolve("out")));
        env.put("IMAGEFLEET_METRICS_INTERVAL", "500ms");
        try (PodProcess pod = PodProcess.start(dir, 2, env)) {
            // Both worker JVMs report, and hold their partitions (the lag is per assigned partition).
            Set<String> served = new TreeSet<>();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                PrometheusSamples samples = pod.scrape();
                served.clear();
                served.addAll(samples.all().stream().map(PrometheusSamples.Sample::name).collect(Collectors.toSet()));
                return samples.find("kafka_consumer_fetch_manager_records_lag", Map.of("slot", "0")).size()
                        + samples.find("kafka_consumer_fetch_manager_records_lag", Map.of("slot", "1")).size() == 2
                        && !samples.find("imagefleet_build_info", Map.of("slot", "1")).isEmpty();
            });

            Map<String, String> missing = new TreeMap<>(named);
            missing.keySet().removeAll(served);
            assertThat(named).as("series named by the dashboard and the rules").hasSizeGreaterThan(25);
            assertThat(missing).as("series named (with where) that the pod does not serve; it serves %s", served).isEmpty();
            assertThat(pod.stop()).isZero();
        }
    }

    private static Map<String, String> dashboardQueries() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(MONITORING.resolve("imagefleet-dashboard.json").toFile());
        Map<String, String> queries = new TreeMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        return queries;
    }

    private static Map<String, String> ruleExpressions() throws IOException {
        JsonNode rules = new YAMLMapper().readTree(Files.readString(MONITORING.resolve("imagefleet-rules.yaml")));
        Map<String, String> exprs = new TreeMap<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                exprs.put("alert " + rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText());
            }
        }
        return exprs;
    }

    private static Set<String> seriesIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = SERIES.matcher(LABELS.matcher(expr).replaceAll(" "));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
