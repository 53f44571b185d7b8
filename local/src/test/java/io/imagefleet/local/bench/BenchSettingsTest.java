package io.imagefleet.local.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchSettingsTest {
    private static BenchSettings parse(String... args) {
        BenchCommand command = new BenchCommand();
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }

    @Test
    void settings_defaults_measureOneToAllCoresAndNoProblems() {
        BenchSettings s = parse();
        int cores = Runtime.getRuntime().availableProcessors();

        assertThat(s.problems()).isEmpty();
        assertThat(s.threads()).hasSize(cores).startsWith(1);
        assertThat(s.fleet()).hasSize(cores).allSatisfy(shape -> assertThat(shape.threads()).isEqualTo(1));
        assertThat(s.jvm()).containsExactly("-Xmx256m");
        assertThat(s.length()).isEqualTo(RunLength.ofTime(java.time.Duration.ofSeconds(20)));
        assertThat(parse("--jobs", "50").length()).isEqualTo(RunLength.ofJobs(50));
    }

    @Test
    void problems_severalBadValues_namesEveryOneWithItsValue() {
        BenchSettings s = parse("--threads", "0", "--fleet", "13x1", "--quality", "101", "--heap", "lots",
                "--partitions", "12", "--repeat", "0");

        assertThat(s.problems()).containsExactlyInAnyOrder(
                "--threads must be 1-256, got 0",
                "--fleet 13x1 has more processes than --partitions 12: some workers would have nothing to do",
                "--quality must be 1-100, got 101",
                "--heap must be a JVM heap size such as 256m, got 'lots'",
                "--repeat must be 1-20, got 0");
    }

    @Test
    void settings_badShapeOrPart_failsWithTheValue() {
        assertThatThrownBy(() -> parse("--fleet", "2x")).hasMessageContaining("got '2x'");
        assertThatThrownBy(() -> parse("--parts", "fleet,gpu")).hasMessageContaining("unknown part 'gpu'");
    }

    @Test
    void best_repeatedRuns_keepsTheFastestOfEachSystemAndShape() {
        Run slow = run("fleet", 2, 10);
        Run fast = run("fleet", 2, 20);
        Run other = run("fleet", 1, 5);

        assertThat(Bench.best(java.util.List.of(slow, other, fast))).containsExactly(fast, other);
    }

    private static Run run(String system, int processes, double seconds) {
        return new Run(system, processes, 1, 100, 100, Run.noFailures(), 100 / seconds, 1, Latencies.NONE,
                java.util.List.of(), java.util.List.of(), 0, 0, java.util.Map.of(), java.util.Map.of(), java.util.List.of());
    }

    @Test
    void percentile_nearestRank_onSortedLatencies() {
        Latencies l = Latencies.of(java.util.List.of(40L, 10L, 30L, 20L));

        assertThat(l.percentile(50)).isEqualTo(20);
        assertThat(l.percentile(75)).isEqualTo(30);
        assertThat(l.percentile(99)).isEqualTo(40);
        assertThat(l.max()).isEqualTo(40);
        assertThat(Latencies.NONE.percentile(50)).isZero();
    }
}
