package io.imagefleet.local.bench;

import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.bench.BenchSettings.Part;
import io.imagefleet.local.bench.BenchSettings.Shape;
import io.imagefleet.local.demo.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
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
 * The whole bench on two tiny images, one thread, one worker JVM and the shared broker: it runs,
 * and the report, its charts and its figures make sense. A correctness test, not a timed one.
 */
class BenchTest {
    @TempDir
    Path dir;

    @Test
    void run_tinyImageSet_measuresEveryPartAndWritesReportWithCharts() throws Exception {
        Path images = dir.resolve("images");
        SampleImages.generate(images, 2, 0.2, 0.3, 11);
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Path out = dir.resolve("results");
        BenchSettings settings = new BenchSettings(images, 0, 8, 12, 1, List.of(1), List.of(new Shape(1, 1)),
                List.of(1), 4, Duration.ZERO, Duration.ofMillis(500), new OpenLoop(4, 0.7, Duration.ofSeconds(2)), 64, 80, "128m", List.of(), 2,
                EnumSet.allOf(Part.class), out, SharedKafka.bootstrapServers(), Duration.ofMinutes(5), 1, 2, "64m", null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        BenchResults results = new Bench(settings, "./imagefleet bench (test)", System.getenv("PATH"),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        Path report = BenchReport.write(results, out);

        assertThat(log.toString(StandardCharsets.UTF_8)).contains("leaving out notes.txt");
        assertThat(results.images().size()).isEqualTo(2);
        assertThat(results.inProcess()).singleElement().satisfies(r -> {
            assertThat(r.succeeded()).isEqualTo(4);
            assertThat(r.imagesPerSecond()).isPositive();
            assertThat(r.megapixelsPerSecond()).isPositive();
            assertThat(r.latencies().count()).isEqualTo(4);
            // Four tiny jobs may take less than a clock tick of CPU: measured, not necessarily positive.
            assertThat(r.cpuSeconds().get("in-process JVM")).isNotNegative();
            assertThat(r.stageMs()).containsKeys("decode", "encode", "total");
        });
        assertThat(results.fleet()).singleElement().satisfies(r -> {
            assertThat(r.succeeded()).isEqualTo(4);
            assertThat(r.imagesPerSecond()).as("fleet images/s").isPositive();
            assertThat(r.latencies().percentile(50)).isPositive();
            assertThat(r.latencies().percentile(99)).isGreaterThanOrEqualTo(r.latencies().percentile(50));
            assertThat(r.memory()).anySatisfy(m -> assertThat(m.name()).startsWith("supervisor"));
            assertThat(r.memory()).filteredOn(m -> m.name().startsWith("worker JVM")).singleElement()
                    .satisfies(m -> assertThat(m.peakBytes()).isGreaterThanOrEqualTo(m.rssBytes()).isGreaterThan(10L << 20));
            assertThat(r.cpuSeconds().get("worker JVMs")).as("worker JVMs' CPU seconds").isPositive();
            // The supervisor may use less than a clock tick while four tiny jobs run: present, not necessarily positive.
            assertThat(r.cpuSeconds()).containsKey("supervisor");
            assertThat(r.stageMs()).containsKeys("queued", "decode", "total");
            assertThat(r.threadUse()).singleElement().satisfies(u -> {
                assertThat(u.jobs()).isEqualTo(4);
                assertThat(u.inJob()).isBetween(0.0, 1.0);
                assertThat(u.gapMax()).isGreaterThanOrEqualTo(u.gapP50()).isGreaterThanOrEqualTo(0);
            });
        });
        assertThat(results.openLoop()).satisfies(r -> {
            assertThat(r.offeredRate()).isEqualTo(4.0);
            assertThat(r.jobs()).isEqualTo(8);
            assertThat(r.succeeded()).isEqualTo(8);
        });
        if (ReferenceRun.find(ReferenceRun.Tool.VIPSTHUMBNAIL, System.getenv("PATH")).isPresent()) {
            assertThat(results.reference("vipsthumbnail", 1)).hasValueSatisfying(r -> {
                assertThat(r.succeeded()).isEqualTo(4);
                assertThat(r.imagesPerSecond()).isPositive();
            });
        }
        assertThat(results.recycling()).satisfies(o -> {
            // The recycle run goes on past its jobs until a recycle has ended (its successor started a job).
            assertThat(o.saturation().succeeded()).isGreaterThanOrEqualTo(4);
            assertThat(o.saturation().failed()).isZero();
            assertThat(o.recycling().recycles()).isNotEmpty().allSatisfy(x -> {
                assertThat(x.reason()).isEqualTo("max-jobs");
                assertThat(x.endMs()).isGreaterThanOrEqualTo(x.startMs());
            });
            assertThat(o.recycling().gaps().count()).isPositive();
        });
        assertThat(results.allSucceeded()).isTrue();
        assertThat(results.codecs()).containsAnyOf("IMAGEFLEET_NATIVE=", "ImageIO + TwelveMonkeys only");

        String md = Files.readString(report);
        assertThat(md).contains("## Throughput", "| in-process | 1x1 | 4 | 0 |", "| fleet | 1x1 | 4 | 0 |",
                "## Pipeline stages", "## Job threads", "## Latency", "## Memory", "## Recycling",
                "| recycle gap under 1 s median | median", "## Targets", "![Throughput against processes](throughput.png)");
        for (String png : List.of("throughput.png", "latency.png", "timeline.png")) {
            BufferedImage chart = ImageIO.read(out.resolve(png).toFile());
            assertThat(chart).as(png).isNotNull();
            assertThat(chart.getWidth()).as(png).isEqualTo(900);
        }
    }
}
