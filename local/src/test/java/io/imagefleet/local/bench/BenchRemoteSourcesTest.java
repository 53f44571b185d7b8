package io.imagefleet.local.bench;

import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.bench.BenchSettings.Part;
import io.imagefleet.local.bench.BenchSettings.Shape;
import io.imagefleet.local.demo.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench's remote sources: the widest fleet once more with its sources served by a local
 * HTTP server with a set latency, and by the embedded S3 server (outputs there too), each beside
 * the file:// run in the report. A correctness test, not a timed one.
 */
class BenchRemoteSourcesTest {
    @TempDir
    Path dir;

    @Test
    void run_httpWithLatencyAndS3Sources_measuredBesideFileAndReported() throws Exception {
        Path images = dir.resolve("images");
        SampleImages.generate(images, 2, 0.2, 0.3, 5);
        Path out = dir.resolve("results");
        BenchSettings settings = new BenchSettings(images, 0, 8, 12, 1, List.of(1), List.of(new Shape(1, 1)),
                List.of(1), 4, Duration.ZERO, Duration.ofMillis(500), null, 64, 80, "128m", List.of(), 2,
                EnumSet.of(Part.FLEET), out, SharedKafka.bootstrapServers(), Duration.ofMinutes(5), 1, 0, "64m", null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        BenchResults results = new Bench(settings, List.of(SourceServers.Kind.FILE, SourceServers.Kind.HTTP,
                SourceServers.Kind.S3), Duration.ofMillis(150), "./imagefleet bench (test)", System.getenv("PATH"),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        Path report = BenchReport.write(results, out);

        assertThat(results.fleet()).singleElement().satisfies(r -> assertThat(r.succeeded()).isEqualTo(4));
        assertThat(results.remoteSources()).extracting(Run::system).containsExactly("fleet http +150ms", "fleet s3");
        assertThat(results.remoteSources()).allSatisfy(r -> {
            assertThat(r.succeeded()).as(r.system() + " " + r.failures()).isEqualTo(4);
            assertThat(r.imagesPerSecond()).isPositive();
            assertThat(results.fileRunLike(r)).isPresent();
        });
        // Every fetch waited for the server's latency.
        assertThat(results.remoteSources().get(0).stageMs().get("fetch")).isGreaterThanOrEqualTo(150.0);
        String md = Files.readString(report);
        assertThat(md).contains("## Remote sources").contains("| http +150ms | 1x1 |").contains("| s3 | 1x1 |");
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        BenchReport.summary(results, report, new PrintStream(summary, true, StandardCharsets.UTF_8));
        assertThat(summary.toString(StandardCharsets.UTF_8)).contains("fleet s3 1x1:").contains("of file://");
    }
}
