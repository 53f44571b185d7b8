package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.source.FileSource;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.OutputStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineTest {
    @TempDir
    Path dir;
    Path in;
    Path out;
    Pipeline pipeline;
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final List<String> stuck = new CopyOnWriteArrayList<>();
    final List<Integer> admittedFactors = new CopyOnWriteArrayList<>();
    final Admission recording = (job, header, factor, deadline) -> {
        admittedFactors.add(factor);
        return () -> { };
    };
    final JobContext ctx = new JobContext("h/slot-0", 1, 5);

    @BeforeEach
    void setUp() throws IOException {
        in = Files.createDirectories(dir.resolve("in"));
        out = dir.resolve("out");
        pipeline = new Pipeline(new Sources(Map.of("file", new FileSource(List.of(in), 10 << 20))),
                Imaging.imageIo(50_000_000), new OutputStores(Map.of("file", new FileStore(List.of(out)))),
                recording, new JobWatchdog(Duration.ofSeconds(60), Duration.ofSeconds(10), scheduler, System::nanoTime),
                (id, thread, overdue) -> stuck.add(id));
    }

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private Path photo(String name, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, w, h, Color.BLUE));
        g.fillRect(0, 0, w, h);
        g.dispose();
        Path p = in.resolve(name);
        ImageIO.write(img, "jpeg", p.toFile());
        return p;
    }

    private Job job(String id, Path source, OutputSpec... outputs) {
        return Job.of(id, source.toUri().toString(), List.of(outputs));
    }

    @Test
    void process_twoOutputs_writesBothAtRequestedSizes() throws Exception {
        Path src = photo("a.jpg", 1200, 800);
        Job job = job("a", src,
                OutputSpec.of("thumb", List.of(Op.Resize.inside(256, 256)), Format.JPEG, 80, out.toUri().toString()),
                OutputSpec.of("small", List.of(Op.Resize.inside(100, 100)), Format.PNG, null, out.toUri().toString()));

        Result r = pipeline.process(job, ctx);

        assertThat(r.status()).as("%s", r.error()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.source().format()).isEqualTo("jpeg");
        assertThat(r.source().width()).isEqualTo(1200);
        assertThat(r.outputs()).hasSize(2);
        Result.OutputResult thumb = r.outputs().get(0);
        Path thumbFile = Path.of(URI.create(thumb.uri()));
        assertThat(thumbFile).isEqualTo(out.toRealPath().resolve("a-thumb.jpg"));
        BufferedImage written = ImageIO.read(thumbFile.toFile());
        assertThat(written.getWidth()).isEqualTo(256).isEqualTo(thumb.width());
        assertThat(written.getHeight()).isEqualTo(171).isEqualTo(thumb.height());
        byte[] bytes = Files.readAllBytes(thumbFile);
        assertThat(thumb.bytes()).isEqualTo(bytes.length);
        assertThat(thumb.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        BufferedImage small = ImageIO.read(Path.of(URI.create(r.outputs().get(1).uri())).toFile());
        assertThat(small.getWidth()).isEqualTo(100);
        assertThat(small.getHeight()).isEqualTo(67);
        Result.Timings t = r.timings();
        assertThat(t.queuedMs()).isEqualTo(5);
        assertThat(t.fetchMs() + t.probeMs() + t.admitMs() + t.decodeMs() + t.processMs() + t.encodeMs() + t.storeMs())
                .isEqualTo(t.totalMs());
    }

    @Test
    void process_missingFile_failsSourceNotFound() {
        Result r = pipeline.process(job("m", in.resolve("nope.jpg"),
                OutputSpec.of("t", List.of(), Format.PNG, null, out.toUri().toString())), ctx);

        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.error().code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND);
        assertThat(r.error().retryable()).isFalse();
    }

    @Test
    void process_corruptJpeg_failsDecode() throws IOException {
        Path src = photo("c.jpg", 400, 300);
        byte[] bytes = Files.readAllBytes(src);
        Files.write(src, java.util.Arrays.copyOf(bytes, bytes.length / 3));

        Result r = pipeline.process(job("c", src,
                OutputSpec.of("t", List.of(Op.Resize.inside(50, 50)), Format.PNG, null, out.toUri().toString())), ctx);

        assertThat(r.error().code()).isEqualTo(ErrorCode.DECODE_FAILED);
    }

    @Test
    void process_xbmAndXpm_areUnsupportedFormats() throws IOException {
        // X bitmaps and pixmaps are C source that no maintained ImageIO plugin reads: not ours to own.
        Path xbm = Files.writeString(in.resolve("i.xbm"), "#define i_width 2\n#define i_height 1\nstatic char i_bits[] = {0x01};\n");
        Path xpm = Files.writeString(in.resolve("i.xpm"), "/* XPM */\nstatic char *i[] = {\"1 1 1 1\", \"a c #ff0000\", \"a\"};\n");

        for (Path src : List.of(xbm, xpm)) {
            Result r = pipeline.process(job("x", src,
                    OutputSpec.of("t", List.of(Op.Resize.inside(50, 50)), Format.PNG, null, out.toUri().toString())), ctx);

            assertThat(r.error().code()).as("%s", src.getFileName()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT);
        }
    }

    @Test
    void process_jpegWithCorruptIccProfile_succeedsWithAWarning() throws IOException {
        Path src = in.resolve("icc.jpg");
        try (var res = PipelineTest.class.getResourceAsStream("/jpeg/corrupted-icc-srgb.jpg")) {
            Files.write(src, res.readAllBytes()); // from TwelveMonkeys' imageio-jpeg tests jar
        }

        Result r = pipeline.process(job("icc", src,
                OutputSpec.of("t", List.of(Op.Resize.inside(64, 64)), Format.PNG, null, out.toUri().toString())), ctx);

        assertThat(r.status()).as("%s", r.error()).isEqualTo(Status.SUCCEEDED);
        assertThat(r.warnings()).singleElement().asString().contains("LCMS error 13").contains("colour profile");
    }

    @Test
    void process_textNamedJpg_failsUnsupportedFormat() throws IOException {
        Path src = Files.writeString(in.resolve("t.jpg"), "<html>not found</html>");

        Result r = pipeline.process(job("t", src,
                OutputSpec.of("t", List.of(), Format.PNG, null, out.toUri().toString())), ctx);

        assertThat(r.error().code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT);
    }

    @Test
    void process_sourceOutsideRoots_failsForbidden() throws IOException {
        Path outside = Files.writeString(dir.resolve("secret.jpg"), "x");

        Result r = pipeline.process(job("s", outside,
                OutputSpec.of("t", List.of(), Format.PNG, null, out.toUri().toString())), ctx);

        assertThat(r.error().code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
    }

    @Test
    void process_largeSourceSmallOutputs_decodesSubsampledAndKeepsExactSizes() throws Exception {
        Path src = photo("big.jpg", 2001, 1001);
        Job job = job("big", src,
                OutputSpec.of("a", List.of(Op.Resize.inside(100, 100)), Format.PNG, null, out.toUri().toString()),
                OutputSpec.of("b", List.of(new Op.Resize(60, 60, io.imagefleet.wire.Fit.FILL, null, null)), Format.JPEG, 80,
                        out.toUri().toString()));

        Result r = pipeline.process(job, ctx);

        assertThat(r.succeeded()).as("%s", r.error()).isTrue();
        assertThat(admittedFactors).containsExactly(8); // 2x the largest output: 1001 / (2 * 60) = 8
        assertThat(r.outputs().get(0).width()).isEqualTo(100);
        assertThat(r.outputs().get(0).height()).isEqualTo(50);
        assertThat(r.outputs().get(1).width()).isEqualTo(60);
        assertThat(r.outputs().get(1).height()).isEqualTo(60);
    }

    @Test
    void process_sixteenOutputs_allMadeFromOneDecode() throws Exception {
        Path src = photo("s.jpg", 640, 480);
        List<OutputSpec> outs = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            outs.add(OutputSpec.of("v" + i, List.of(Op.Resize.inside(20 + 10 * i, 20 + 10 * i)),
                    i % 2 == 0 ? Format.JPEG : Format.PNG, null, out.toUri().toString()));
        }

        Result r = pipeline.process(Job.of("many", src.toUri().toString(), outs), ctx);

        assertThat(r.succeeded()).as("%s", r.error()).isTrue();
        assertThat(r.outputs()).hasSize(16);
        assertThat(r.outputs().get(15).width()).isEqualTo(170);
        assertThat(admittedFactors).containsExactly(1); // 640 / (2 * 170) = 1
    }

    @Test
    void process_exifRotatedSource_outputIsUpright_unlessAutoOrientIsOff() throws Exception {
        Path src = in.resolve("r.jpg");
        Files.write(src, io.imagefleet.worker.imaging.TestImages.jpegWithOrientation(
                io.imagefleet.worker.imaging.TestImages.quadrants(400, 200), 6, false));
        OutputSpec thumb = OutputSpec.of("t", List.of(Op.Resize.inside(100, 100)), Format.PNG, null, out.toUri().toString());

        Result upright = pipeline.process(job("up", src, thumb), ctx);
        Result stored = pipeline.process(new Job(1, "stored", src.toUri().toString(), List.of(thumb), null, null, false, null), ctx);

        assertThat(upright.source().width()).isEqualTo(400);
        assertThat(upright.outputs().get(0).width()).isEqualTo(50);
        assertThat(upright.outputs().get(0).height()).isEqualTo(100);
        assertThat(stored.outputs().get(0).width()).isEqualTo(100);
        assertThat(stored.outputs().get(0).height()).isEqualTo(50);
    }

    @Test
    void process_failureAfterDecode_timingsStillAddUp() throws Exception {
        Path src = photo("f.jpg", 300, 200);

        Result r = pipeline.process(job("f", src,
                OutputSpec.of("t", List.of(new Op.Crop(250, 0, 100, 100, null)), Format.PNG, null, out.toUri().toString())), ctx);

        assertThat(r.error().code()).isEqualTo(ErrorCode.PROCESS_FAILED);
        Result.Timings t = r.timings();
        assertThat(t.fetchMs() + t.probeMs() + t.admitMs() + t.decodeMs() + t.processMs() + t.encodeMs() + t.storeMs())
                .isEqualTo(t.totalMs());
        assertThat(r.source().format()).isEqualTo("jpeg");
    }

    @Test
    void process_httpSourceOnAllowedPrivateAddress_isFetched() throws Exception {
        byte[] png = io.imagefleet.worker.imaging.TestImages.encode(io.imagefleet.worker.imaging.TestImages.quadrants(200, 100), "png");
        try (io.imagefleet.worker.source.CountingHttpServer server = new io.imagefleet.worker.source.CountingHttpServer(
                req -> io.imagefleet.worker.source.CountingHttpServer.Response.ok(png))) {
            io.imagefleet.worker.source.HttpSource http = new io.imagefleet.worker.source.HttpSource(
                    new io.imagefleet.worker.source.HttpConnector(new io.imagefleet.worker.source.AddressPolicy(List.of(), true),
                            (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault(), Duration.ofSeconds(5), "t"),
                    1 << 20);
            Pipeline viaHttp = new Pipeline(new Sources(Map.of("http", http)), Imaging.imageIo(50_000_000),
                    new OutputStores(Map.of("file", new FileStore(List.of(out)))), Admission.UNBOUNDED,
                    new JobWatchdog(Duration.ofSeconds(60), Duration.ofSeconds(10), scheduler, System::nanoTime), (a, b, c) -> { });

            Result r = viaHttp.process(Job.of("h", "http://127.0.0.1:" + server.port() + "/i.png", List.of(
                    OutputSpec.of("t", List.of(Op.Resize.inside(50, 50)), Format.PNG, null, out.toUri().toString()))), ctx);

            assertThat(r.succeeded()).as("%s", r.error()).isTrue();
            assertThat(r.source().bytes()).isEqualTo(png.length);
            assertThat(r.outputs().get(0).width()).isEqualTo(50);
        }
    }

    @Test
    void process_webpOutputWithLibwebp_isWritten() throws Exception {
        io.imagefleet.worker.imaging.NativeCodecs natives = io.imagefleet.worker.imaging.NativeCodecs.load(false, false);
        org.junit.jupiter.api.Assumptions.assumeTrue(natives.hasWebp(), () -> "libwebp is not installed: " + natives.report());
        Path src = photo("w.jpg", 300, 200);
        Pipeline withNatives = new Pipeline(new Sources(Map.of("file", new FileSource(List.of(in), 10 << 20))),
                Imaging.of(50_000_000, natives), new OutputStores(Map.of("file", new FileStore(List.of(out)))),
                Admission.UNBOUNDED, new JobWatchdog(Duration.ofSeconds(60), Duration.ofSeconds(10), scheduler, System::nanoTime),
                (a, b, c) -> { });
        Job job = job("w", src, new OutputSpec("t", List.of(Op.Resize.inside(100, 100)), Format.WEBP, 75,
                out.toUri().toString(), null, null, null));

        Result r = withNatives.process(job, ctx);

        assertThat(r.succeeded()).as("%s", r.error()).isTrue();
        assertThat(r.outputs().get(0).uri()).endsWith("w-t.webp");
        BufferedImage back = ImageIO.read(Path.of(URI.create(r.outputs().get(0).uri())).toFile());
        assertThat(back.getWidth()).isEqualTo(100);
        assertThat(r.source().format()).isEqualTo("jpeg");
    }
}
