package io.imagefleet.worker.tools;

import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.pipeline.DecodePlan;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Per-core JPEG thumbnail throughput of the worker's imaging stages: every image of a directory
 * (read into memory first) probed, planned, decoded, resized to fit a box and encoded as JPEG
 * q85, on one thread, {@code rounds} times after a warm-up round. Mode {@code native} uses
 * libjpeg-turbo (DCT scaling), {@code imageio} uses ImageIO + TwelveMonkeys (source
 * subsampling). With a directory of reference PNGs (made by {@code vipsthumbnail -o %s.png})
 * as a fifth argument it also prints the mean PSNR of this mode's thumbnails and of the
 * references against a full-resolution decode downscaled with the worker's resizer.
 * Not a test: run by hand (see docs/native-codecs.md).
 *
 * <p>Also {@code rss <dir> <box> <jobs>}: runs that many native jobs round-robin over the
 * directory and prints the process RSS every tenth of the way (native memory must stay flat).
 */
public final class ThumbnailMeasure {
    private ThumbnailMeasure() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        int box = Integer.parseInt(args[2]);
        List<byte[]> images = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                images.add(Files.readAllBytes(p));
                names.add(p.getFileName().toString());
            }
        }
        if (mode.equals("rss")) {
            rss(images, box, Integer.parseInt(args[3]));
            return;
        }
        int rounds = Integer.parseInt(args[3]);
        NativeCodecs natives = mode.equals("native") ? NativeCodecs.load(true, false) : NativeCodecs.none();
        Imaging imaging = Imaging.of(100_000_000, natives);
        OutputSpec spec = new OutputSpec("t", List.of(Op.Resize.inside(box, box)), Format.JPEG, 85, "file:///tmp/", null, null, null);
        for (byte[] b : images) {
            thumbnail(imaging, spec, b); // warm-up
        }
        long t0 = System.nanoTime();
        long bytes = 0;
        for (int r = 0; r < rounds; r++) {
            for (byte[] b : images) {
                bytes += thumbnail(imaging, spec, b).length;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int n = images.size() * rounds;
        System.out.printf(Locale.ROOT, "%s: %d thumbnails in %.2f s: %.2f images/s on one thread (%d bytes out)%n",
                mode, n, seconds, n / seconds, bytes);
        if (args.length > 4) {
            quality(imaging, spec, images, names, Path.of(args[4]), mode);
        }
    }

    private static byte[] thumbnail(Imaging imaging, OutputSpec spec, byte[] bytes) throws Exception {
        JobDeadline deadline = JobDeadline.after(Duration.ofMinutes(1));
        BufferedImage thumb = resized(imaging, spec, bytes, deadline, true);
        return imaging.encoder().encode(thumb, spec, deadline);
    }

    private static BufferedImage resized(Imaging imaging, OutputSpec spec, byte[] bytes, JobDeadline deadline, boolean plan)
            throws Exception {
        ProbeResult h = imaging.probe().probe(bytes);
        Geometry.Size size = new Geometry.Size(h.orientedWidth(true), h.orientedHeight(true));
        int factor = plan ? DecodePlan.subsampling(size.width(), size.height(), List.of(spec)) : 1;
        BufferedImage decoded = imaging.decoder().decode(bytes, h, new ImageDecoder.Request(factor, true, true, deadline));
        return imaging.ops().apply(decoded, spec.ops(), size, deadline);
    }

    private static void quality(Imaging imaging, OutputSpec spec, List<byte[]> images, List<String> names, Path refs,
                                String mode) throws Exception {
        Imaging full = Imaging.imageIo(100_000_000);
        double ours = 0;
        double theirs = 0;
        int n = 0;
        for (int i = 0; i < images.size(); i++) {
            Path ref = refs.resolve(names.get(i).replaceAll("\\.[^.]+$", "") + ".png");
            if (!Files.exists(ref)) {
                continue;
            }
            JobDeadline d = JobDeadline.after(Duration.ofMinutes(1));
            BufferedImage truth = resized(full, spec, images.get(i), d, false);
            ours += ShrinkOnLoadMeasure.psnr(truth, resized(imaging, spec, images.get(i), d, true));
            theirs += ShrinkOnLoadMeasure.psnr(truth, ImageIO.read(ref.toFile()));
            n++;
        }
        System.out.printf(Locale.ROOT, "quality against a full decode + the worker's resizer, %d images: %s %.1f dB, references %.1f dB%n",
                n, mode, ours / n, theirs / n);
    }

    private static void rss(List<byte[]> images, int box, int jobs) throws Exception {
        Imaging imaging = Imaging.of(100_000_000, NativeCodecs.load(true, false));
        OutputSpec jpeg = new OutputSpec("t", List.of(Op.Resize.inside(box, box)), Format.JPEG, 85, "file:///tmp/", null, null, null);
        OutputSpec webp = new OutputSpec("w", List.of(Op.Resize.inside(box, box)), Format.WEBP, 80, "file:///tmp/", null, null, null);
        for (int i = 0; i < jobs; i++) {
            byte[] b = images.get(i % images.size());
            JobDeadline d = JobDeadline.after(Duration.ofMinutes(1));
            BufferedImage thumb = resized(imaging, jpeg, b, d, true);
            imaging.encoder().encode(thumb, jpeg, d);
            imaging.encoder().encode(thumb, webp, d);
            if ((i + 1) % Math.max(1, jobs / 10) == 0) {
                System.gc();
                System.out.printf(Locale.ROOT, "after %6d jobs: RSS %6.1f MiB, heap used %5.1f MiB%n", i + 1, rssMiB(),
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0);
            }
        }
    }

    private static double rssMiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return -1;
    }
}
