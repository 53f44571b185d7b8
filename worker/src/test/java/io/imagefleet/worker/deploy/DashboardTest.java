package io.imagefleet.worker.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.imagefleet.worker.metrics.FleetMeter;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard of {@code deploy/monitoring}: every query is valid PromQL (each is made a
 * recording rule and checked with {@code promtool check rules}), names only imagefleet series of
 * the meter catalogue, and the dashboard can be provisioned as it is (a fixed uid, no numeric id,
 * its data source a variable). That a live pod serves every series named is checked in the local
 * module ({@code MonitoringSeriesTest}).
 */
class DashboardTest {
    static final Path DASHBOARD = MonitoringRulesTest.MONITORING.resolve("imagefleet-dashboard.json");
    /** What Grafana substitutes in the queries, as a test of PromQL may: any namespace, a 5-minute window. */
    private static final Map<String, String> VARIABLES = Map.of("$__rate_interval", "5m", "$namespace", ".*");

    @Test
    void promtool_everyDashboardQuery_parses(@TempDir Path dir) throws Exception {
        Map<String, String> queries = queries();
        List<Map<String, String>> rules = new ArrayList<>();
        int i = 0;
        for (String expr : queries.values()) {
            String concrete = expr;
            for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
                concrete = concrete.replace(v.getKey(), v.getValue());
            }
            rules.add(Map.of("record", "imagefleet:dashboard:query" + i++, "expr", concrete));
        }
        Files.writeString(dir.resolve("queries.yaml"),
                new Yaml().dump(Map.of("groups", List.of(Map.of("name", "dashboard", "rules", rules)))));

        Promtool.Run run = Promtool.require().run(dir, "check", "rules", "queries.yaml");

        assertThat(run.exitCode()).as("%s\nqueries: %s", run.output(), queries).isZero();
        assertThat(run.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void dashboard_imagefleetSeries_areInTheCatalogue() throws IOException {
        Set<String> catalogue = Arrays.stream(FleetMeter.values()).map(m -> m.meterName().replace('.', '_'))
                .collect(Collectors.toSet());
        SoftAssertions softly = new SoftAssertions();
        queries().forEach((panel, expr) -> MonitoringRulesTest.seriesIn(expr).stream().filter(s -> s.startsWith("imagefleet_"))
                .forEach(s -> softly.assertThat(MonitoringRulesTest.inCatalogue(catalogue, s))
                        .as("panel %s names %s, not in FleetMeter", panel, s).isTrue()));
        softly.assertAll();
        assertThat(queries()).as("queries in the dashboard").hasSizeGreaterThan(20);
    }

    @Test
    void dashboard_provisioning_fixedUidAndDataSourceVariable() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(DASHBOARD.toFile());
        SoftAssertions softly = new SoftAssertions();

        softly.assertThat(dashboard.path("uid").asText()).as("a fixed uid, so links and provisioning keep it").isNotBlank();
        softly.assertThat(dashboard.path("id").isNull() || dashboard.path("id").isMissingNode()).as("no numeric id").isTrue();
        softly.assertThat(dashboard.has("__inputs")).as("no import-only inputs: provisioning does not fill them").isFalse();
        softly.assertThat(dashboard.path("templating").path("list").findValuesAsText("type")).contains("datasource");
        for (JsonNode panel : dashboard.path("panels")) {
            if (!"row".equals(panel.path("type").asText())) {
                softly.assertThat(panel.path("datasource").path("uid").asText()).as("panel %s data source", panel.path("title"))
                        .isEqualTo("${datasource}");
                softly.assertThat(panel.path("targets")).as("panel %s queries", panel.path("title")).isNotEmpty();
            }
        }
        softly.assertAll();
    }

    /** Every query of the dashboard, keyed by panel title and query letter. */
    static Map<String, String> queries() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(DASHBOARD.toFile());
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " " + target.path("refId").asText(), target.path("expr").asText());
            }
        }
        return queries;
    }
}
