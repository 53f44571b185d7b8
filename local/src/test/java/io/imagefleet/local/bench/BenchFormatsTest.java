package io.imagefleet.local.bench;

import io.imagefleet.local.bench.BenchSettings.Part;
import io.imagefleet.local.bench.BenchSettings.Shape;
import io.imagefleet.local.bench.FormatCopies.SourceFormat;
import io.imagefleet.local.demo.SampleImages;
import org.junit.jupiter.api.Assumptions;
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
 * {@code --formats jpeg,heic,avif}: the bench makes HEIC and AVIF copies of its images with heif-enc
 * and avifenc and measures the pipeline in process and vipsthumbnail on each set, in one run, and
 * the report compares them. Two tiny images, one thread: a correctness test, not a timed one.
 */
class BenchFormatsTest {
    @TempDir
    Path dir;

    @Test
    void run_formatsJpegHeicAvif_measuresInProcessAndVipsthumbnailOnEachSet() throws Exception {
        String path = System.getenv("PATH");
        for (SourceFormat f : List.of(SourceFormat.HEIC, SourceFormat.AVIF)) {
            Assumptions.assumeTrue(FormatCopies.tool(f, path).isPresent(), () -> f.tool + " is not installed here");
        }
        Assumptions.assumeTrue(ReferenceRun.find(ReferenceRun.Tool.VIPSTHUMBNAIL, path).isPresent(),
                "vipsthumbnail is not installed here (apt-get install libvips-tools)");
        Path images = dir.resolve("images");
        SampleImages.generate(images, 2, 0.2, 0.3, 11);
        Path out = dir.resolve("results");
        BenchSettings settings = new BenchSettings(images, 0, 8, 12, 1, List.of(1), List.of(new Shape(1, 1)),
                List.of(1), 4, Duration.ZERO, Duration.ofMillis(200), null, 64, 80, "128m", List.of(), 2,
                EnumSet.of(Part.IN_PROCESS, Part.REFERENCE), out, null, Duration.ofMinutes(5), 1, 0, "64m", null);
        ByteArrayOutputStream log = new ByteArrayOutputStream();

        BenchResults results = new Bench(settings, new Bench.Inputs(List.of(SourceServers.Kind.FILE), Duration.ZERO,
                List.of(SourceFormat.JPEG, SourceFormat.HEIC, SourceFormat.AVIF)), "./imagefleet bench --formats jpeg,heic,avif",
                path, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        Path report = BenchReport.write(results, out);

        assertThat(results.formats()).extracting(Run::system).containsExactly("in-process jpeg", "vipsthumbnail jpeg",
                "in-process heic", "vipsthumbnail heic", "in-process avif", "vipsthumbnail avif");
        assertThat(results.formats()).allSatisfy(r -> {
            assertThat(r.failed()).as("%s failures %s", r.system(), r.failures()).isZero();
            assertThat(r.succeeded()).isEqualTo(4);
            assertThat(r.imagesPerSecond()).isPositive();
        });
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("encoding the 2 images as heic with heif-enc");
        assertThat(Files.readString(report)).contains("## Source formats").contains("| in-process | heic | 1x1 |")
                .contains("| vipsthumbnail | avif | 1x1 |");
        assertThat(results.allSucceeded()).isTrue();
    }
}
