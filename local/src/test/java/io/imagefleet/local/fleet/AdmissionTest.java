package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.supervise.ExitReport;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory-aware admission in real worker JVMs with a small heap, fed large images at full
 * concurrency, and one job that needs more than the whole budget (refused, not run alone).
 */
class AdmissionTest {
    private static final long HEAP = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void admission_burstOfLargeImagesAt256m_noOutOfMemoryAndReservedNeverOverBudget() throws Exception {
        Topics topics = SharedKafka.freshTopics("admit", 4);
        Path in = Files.createDirectories(dir.resolve("in"));
        // 15 MP made into a 2048 px output: every pixel decoded (about 117 MiB at the peak, so two at once cannot fit).
        Path big = write(in.resolve("15mp.jpg"), 4800, 3200);
        // 24 MP kept at 4000 px: about 183 MiB at the peak, more than the whole 153.6 MiB budget, so it can never run.
        Path never = write(in.resolve("24mp.jpg"), 6000, 4000);
        // 48 MP made into thumbnails: decoded at a third of the size.
        Path huge = write(in.resolve("48mp.jpg"), 8000, 6000);
        String target = dir.resolve("out").toUri().toString();
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            boolean full = i % 2 == 0;
            jobs.add(Job.of(String.format("a-%02d", i), (full ? big : huge).toUri().toString(), List.of(
                    OutputSpec.of("thumb", List.of(Op.Resize.inside(256, 256)), Format.JPEG, 80, target),
                    OutputSpec.of("large", List.of(Op.Resize.inside(full ? 2048 : 1024, full ? 2048 : 1024)), Format.JPEG,
                            80, target))));
        }
        Job tooBig = Job.of("a-never", never.toUri().toString(), List.of(
                OutputSpec.of("large", List.of(Op.Resize.inside(4000, 4000)), Format.JPEG, 80, target)));
        jobs.add(6, tooBig);
        TestFleet.Spec spec = new TestFleet.Spec(2, 2, HEAP, List.of(), Duration.ZERO, 2, Map.of());
        TestFleet fleet = TestFleet.start(dir, topics, spec, SupervisorListener.NONE);
        try (fleet; ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
            fleet.awaitEverySlotAssigned();
            FleetJobs.publish(topics, jobs);
            Map<String, ReceivedResult> got = new HashMap<>(new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(5), r -> { }));
            assertThat(got).as(fleet::logTail).hasSize(jobs.size());
            assertThat(got.get(tooBig.id()).result().error().code()).as(got.get(tooBig.id()).json())
                    .isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
            assertThat(got.get(tooBig.id()).result().error().message())
                    .contains("more than the 153.6 MiB a worker JVM admits at once", "6000x4000 (24.0 MP) jpeg");
            got.remove(tooBig.id());
            assertThat(got.values()).allSatisfy(r -> assertThat(r.result().succeeded()).as(r.json()).isTrue());
            assertThat(fleet.stop()).isTrue();
        }

        assertThat(fleet.crashes()).as("no worker JVM died (an OutOfMemoryError exits it)").isEmpty();
        List<ExitReport> exits = fleet.exitReports();
        assertThat(exits).isNotEmpty().allSatisfy(e -> {
            assertThat(e.admissionCapacity()).isEqualTo((long) (HEAP * 0.6)).isGreaterThan(0);
            assertThat(e.admissionHighWater()).isLessThanOrEqualTo(e.admissionCapacity());
        });
        // A 15 MP full decode and another job at once come close to the budget; two full decodes never fit together.
        assertThat(exits).anySatisfy(e -> assertThat(e.admissionHighWater()).isGreaterThan(e.admissionCapacity() / 2));
        exits.forEach(e -> System.out.printf("admission test: slot-%d answered %d jobs, peak RSS %d MiB, "
                        + "budget high water %d of %d MiB%n", e.slot(), e.answered(), e.peakRssBytes() >> 20,
                e.admissionHighWater() >> 20, e.admissionCapacity() >> 20));
    }

    /** A smooth baseline JPEG of the size; cheap to make, and its decode needs the memory any photo of that size does. */
    private static Path write(Path file, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, new Color(40, 90, 160), w, h, new Color(220, 180, 60)));
            g.fillRect(0, 0, w, h);
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "jpeg", file.toFile());
        return file;
    }
}
