package io.imagefleet.worker.tools;

import com.sun.management.ThreadMXBean;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.ImageOps;
import io.imagefleet.worker.imaging.ImageProbe;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.pipeline.DecodePlan;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures what shrink-on-load saves: each image of a directory made into a thumbnail with the
 * subsampling {@link DecodePlan} chooses and with a full decode, on one thread, timing the
 * decode and counting the bytes it allocates, and comparing the two thumbnails (PSNR of the
 * subsampled one against the full-decode one). Not a test: run by hand, for example
 * {@code java -cp <test class path> io.imagefleet.worker.tools.ShrinkOnLoadMeasure /work/corpus/photos 256}.
 * With {@code full} or {@code shrink} as a third argument it only runs that mode (to find the
 * smallest heap each needs with -Xmx).
 */
public final class ShrinkOnLoadMeasure {
    private ShrinkOnLoadMeasure() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int box = Integer.parseInt(args[1]);
        String only = args.length > 2 ? args[2] : "both";
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        ImageProbe probe = new ImageProbe(100_000_000);
        ImageDecoder decoder = new ImageDecoder();
        ImageOps ops = new ImageOps();
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Op> resize = List.of(Op.Resize.inside(box, box));
        OutputSpec spec = OutputSpec.of("t", resize, Format.JPEG, 85, "file:///tmp/");
        // Warm up the JIT on the first few files.
        for (int i = 0; i < Math.min(5, files.size()); i++) {
            run(files.get(i), probe, decoder, ops, resize, spec, true, mx);
        }
        double[] fullMs = {0};
        double[] shrinkMs = {0};
        long[] fullBytes = {0};
        long[] shrinkBytes = {0};
        double psnrSum = 0;
        long megapixels = 0;
        int n = 0;
        for (Path f : files) {
            Run full = "shrink".equals(only) ? null : run(f, probe, decoder, ops, resize, spec, false, mx);
            Run shrink = "full".equals(only) ? null : run(f, probe, decoder, ops, resize, spec, true, mx);
            Run any = full != null ? full : shrink;
            megapixels += any.pixels;
            n++;
            if (full != null) {
                fullMs[0] += full.decodeMs;
                fullBytes[0] += full.allocated;
            }
            if (shrink != null) {
                shrinkMs[0] += shrink.decodeMs;
                shrinkBytes[0] += shrink.allocated;
            }
            if (full != null && shrink != null) {
                double p = psnr(full.thumb, shrink.thumb);
                psnrSum += p;
                System.out.printf(Locale.ROOT, "%-40s %5.1f MP factor %d: decode %6.1f ms -> %6.1f ms, allocated %6.1f MB -> %5.1f MB, PSNR %.1f dB%n",
                        f.getFileName(), any.pixels / 1e6, shrink.factor, full.decodeMs, shrink.decodeMs,
                        full.allocated / 1e6, shrink.allocated / 1e6, p);
            }
        }
        System.out.printf(Locale.ROOT, "%d images, %.1f MP mean, %d px box%n", n, megapixels / 1e6 / n, box);
        if (!"shrink".equals(only)) {
            System.out.printf(Locale.ROOT, "full decode:    %.1f ms/image, %.1f MB allocated/image%n", fullMs[0] / n, fullBytes[0] / 1e6 / n);
        }
        if (!"full".equals(only)) {
            System.out.printf(Locale.ROOT, "shrink-on-load: %.1f ms/image, %.1f MB allocated/image%n", shrinkMs[0] / n, shrinkBytes[0] / 1e6 / n);
        }
        if ("both".equals(only)) {
            System.out.printf(Locale.ROOT, "saved: %.0f%% of decode time, %.0f%% of allocation; thumbnail PSNR vs full decode %.1f dB mean%n",
                    100 * (1 - shrinkMs[0] / fullMs[0]), 100 * (1 - (double) shrinkBytes[0] / fullBytes[0]), psnrSum / n);
        }
    }

    private record Run(BufferedImage thumb, double decodeMs, long allocated, int factor, long pixels) {
    }

    private static Run run(Path f, ImageProbe probe, ImageDecoder decoder, ImageOps ops, List<Op> resize, OutputSpec spec,
                           boolean shrink, ThreadMXBean mx) throws Exception {
        byte[] bytes = Files.readAllBytes(f);
        ProbeResult h = probe.probe(bytes);
        int w = h.orientedWidth(true);
        int ht = h.orientedHeight(true);
        int factor = shrink ? DecodePlan.subsampling(w, ht, List.of(spec)) : 1;
        JobDeadline deadline = JobDeadline.after(Duration.ofMinutes(5));
        long a0 = mx.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        BufferedImage decoded = decoder.decode(bytes, h, new ImageDecoder.Request(factor, true, true, deadline));
        long t1 = System.nanoTime();
        long allocated = mx.getCurrentThreadAllocatedBytes() - a0;
        BufferedImage thumb = ops.apply(decoded, resize, new Geometry.Size(w, ht), deadline);
        return new Run(thumb, (t1 - t0) / 1e6, allocated, factor, h.pixels());
    }

    static double psnr(BufferedImage a, BufferedImage b) {
        double se = 0;
        long n = 0;
        for (int y = 0; y < Math.min(a.getHeight(), b.getHeight()); y++) {
            for (int x = 0; x < Math.min(a.getWidth(), b.getWidth()); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) {
                    double d = ((p >> s) & 0xff) - ((q >> s) & 0xff);
                    se += d * d;
                    n++;
                }
            }
        }
        return se == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / (se / n));
    }
}
