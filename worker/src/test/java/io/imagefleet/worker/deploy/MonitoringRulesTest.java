package io.imagefleet.worker.deploy;

import io.imagefleet.worker.metrics.FleetMeter;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules of {@code deploy/monitoring}: valid for Prometheus ({@code promtool check
 * rules}), each alert shown firing and not firing by the unit tests ({@code promtool test
 * rules}), the PrometheusRule the same rules as the plain file, every imagefleet series they name
 * one of the meter catalogue's, and a runbook paragraph for each in docs/operations.md.
 */
class MonitoringRulesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path MONITORING = ROOT.resolve("deploy/monitoring");
    static final String RULES = "imagefleet-rules.yaml";
    static final String RULE_TESTS = "imagefleet-rules.test.yaml";
    /** Kafka series the rules may name: the worker JVMs' clients' own, and Kafka Exporter's. */
    static final Set<String> KAFKA_SERIES = Set.of("kafka_consumer_fetch_manager_records_lag",
            "kafka_producer_record_error_total", "kafka_consumergroup_lag");
    private static final Pattern SERIES = Pattern.compile("\\b((?:imagefleet|kafka|jvm|process|system)_[a-z_]+)\\b");
    /** Label lists and matchers, whose names are not series: by (...), without (...), {...}. */
    private static final Pattern LABELS = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)|\\{[^}]*}");

    @Test
    void promtoolCheckRules_shippedRules_areValid() throws Exception {
        Promtool.Run run = Promtool.require().run(MONITORING, "check", "rules", RULES);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void promtoolTestRules_unitTests_pass() throws Exception {
        Promtool.Run run = Promtool.require().run(MONITORING, "test", "rules", RULE_TESTS);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void ruleTests_everyAlert_isShownFiringAndNotFiring() throws IOException {
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (Manifest test : load(MONITORING.resolve(RULE_TESTS)).list("tests")) {
            for (Manifest check : test.list("alert_rule_test")) {
                String alert = check.string("alertname").orElse("");
                (check.list("exp_alerts").isEmpty() ? silent : firing).add(alert);
            }
        }

        assertThat(firing).as("alerts shown firing").containsExactlyInAnyOrderElementsOf(alerts().keySet());
        assertThat(silent).as("alerts shown not firing").containsExactlyInAnyOrderElementsOf(alerts().keySet());
    }

    @Test
    void prometheusRule_groups_areThePlainRuleFiles() throws IOException {
        Manifest rule = load(MONITORING.resolve("prometheusrule.yaml"));
        Manifest plain = load(MONITORING.resolve(RULES));

        assertThat(rule.kind()).isEqualTo("PrometheusRule");
        assertThat(rule.at("spec", "groups")).as("PrometheusRule spec.groups = %s groups", RULES)
                .isEqualTo(plain.at("groups"));
        assertThat(rule.string("metadata", "labels", "release")).as("the release label kube-prometheus-stack selects by")
                .isPresent();
    }

    @Test
    void rules_seriesNamed_areServedByTheWorkers() {
        Set<String> catalogue = Arrays.stream(FleetMeter.values()).map(m -> m.meterName().replace('.', '_'))
                .collect(Collectors.toSet());
        SoftAssertions softly = new SoftAssertions();
        alerts().forEach((alert, expr) -> {
            for (String series : seriesIn(expr)) {
                if (series.startsWith("kafka_")) {
                    softly.assertThat(KAFKA_SERIES).as("%s names %s", alert, series).contains(series);
                } else {
                    softly.assertThat(inCatalogue(catalogue, series)).as("%s names %s, which is not in FleetMeter", alert, series)
                            .isTrue();
                }
            }
        });
        softly.assertAll();
    }

    @Test
    void operationsDoc_everyAlert_hasARunbookParagraph() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/operations.md"));
        SoftAssertions softly = new SoftAssertions();
        for (String alert : alerts().keySet()) {
            softly.assertThat(doc).as("docs/operations.md has a runbook heading for %s", alert)
                    .containsPattern("(?m)^### " + alert + "\\b");
        }
        softly.assertAll();
    }

    /** Every alert's name and expression, in file order. */
    static Map<String, String> alerts() {
        try {
            Map<String, String> alerts = new java.util.LinkedHashMap<>();
            for (Manifest group : load(MONITORING.resolve(RULES)).list("groups")) {
                for (Manifest rule : group.list("rules")) {
                    rule.string("alert").ifPresent(a -> alerts.put(a, rule.string("expr").orElse("")));
                }
            }
            return alerts;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + RULES, e);
        }
    }

    /** The metric names in a PromQL expression (imagefleet_, kafka_, jvm_, process_, system_ names), not its label names. */
    static Set<String> seriesIn(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = SERIES.matcher(LABELS.matcher(expr).replaceAll(" "));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The catalogue name of a Prometheus series: imagefleet_jobs_total -> imagefleet_jobs. */
    static String baseName(String series) {
        return series.replaceFirst("_(bucket|count|sum|max)$", "").replaceFirst("_(total|bytes|seconds)$", "");
    }

    /**
     * Whether a Prometheus series is one of a catalogue meter's: its name with the unit and
     * histogram suffixes taken off, or with only the histogram's (imagefleet_output_bytes_sum is
     * the meter imagefleet.output.bytes, whose name already ends in its unit).
     */
    static boolean inCatalogue(Set<String> catalogue, String series) {
        return catalogue.contains(baseName(series))
                || catalogue.contains(series.replaceFirst("_(bucket|count|sum|max)$", ""));
    }

    static Manifest load(Path file) throws IOException {
        return new Manifest(new Yaml().load(Files.readString(file)));
    }

    @Test
    void seriesIn_groupingAndMatchers_namesOnlyTheSeries() {
        assertThat(seriesIn("sum without (slot, kafka_version) (rate(kafka_producer_record_error_total{client_kind=\"x\"}[5m]))"
                + " / on (imagefleet_x) imagefleet_slot_up")).containsExactly("kafka_producer_record_error_total",
                "imagefleet_slot_up");
    }

    @Test
    void baseName_prometheusSuffixes_areStripped() {
        assertThat(List.of("imagefleet_jobs_total", "imagefleet_stage_duration_seconds_bucket",
                "imagefleet_admission_reserved_bytes", "imagefleet_slot_up").stream().map(MonitoringRulesTest::baseName))
                .containsExactly("imagefleet_jobs", "imagefleet_stage_duration", "imagefleet_admission_reserved",
                        "imagefleet_slot_up");
    }
}
