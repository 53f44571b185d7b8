package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Colour parity between the libjpeg-turbo and ImageIO paths on real photos: every JPEG of a
 * corpus directory decoded at full size both ways must agree within a small tolerance (mean
 * difference per channel, and the share of pixels off by more than a few levels). The corpus
 * is not in the repository, so this runs only when asked:
 * {@code mvn -pl worker -am verify -Dtest=CorpusParityTest -Dimagefleet.corpus=/work/corpus/photos}.
 */
class CorpusParityTest {
    private static final double MAX_MEAN_DIFFERENCE = 1.0;
    private static final double MAX_SHARE_OFF_BY_MORE_THAN_8 = 0.001;

    @Test
    void decode_everyCorpusJpeg_nativeMatchesImageIo() throws Exception {
        String dir = System.getProperty("imagefleet.corpus");
        Assumptions.assumeTrue(dir != null && Files.isDirectory(Path.of(dir)),
                "set -Dimagefleet.corpus=<a directory of JPEGs> to run the parity check on a corpus");
        NativeTestSupport.assumeTurboJpeg();
        ImageProbe nativeProbe = new ImageProbe(100_000_000, NativeTestSupport.NATIVES);
        ImageDecoder nativeDecoder = new ImageDecoder(NativeTestSupport.NATIVES);
        ImageProbe probe = new ImageProbe(100_000_000);
        ImageDecoder decoder = new ImageDecoder();
        List<String> report = new ArrayList<>();
        double worstMean = 0;
        double worstShare = 0;
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.jpe?g")).sorted().toList();
        }
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            BufferedImage fast = nativeDecoder.decode(bytes, nativeProbe.probe(bytes), request());
            BufferedImage slow = decoder.decode(bytes, probe.probe(bytes), request());
            double[] d = difference(fast, slow);
            worstMean = Math.max(worstMean, d[0]);
            worstShare = Math.max(worstShare, d[1]);
            report.add(String.format(Locale.ROOT, "%s: mean %.3f, off by >8: %.5f%%", f.getFileName(), d[0], 100 * d[1]));
        }
        System.out.printf(Locale.ROOT, "%d JPEGs: worst mean difference %.3f levels, worst share off by more than 8 levels %.5f%%%n%s%n",
                files.size(), worstMean, 100 * worstShare, String.join("\n", report));
        assertThat(files).isNotEmpty();
        assertThat(worstMean).isLessThan(MAX_MEAN_DIFFERENCE);
        assertThat(worstShare).isLessThan(MAX_SHARE_OFF_BY_MORE_THAN_8);
    }

    private static io.imagefleet.worker.imaging.ImageDecoder.Request request() {
        return new ImageDecoder.Request(1, true, true, JobDeadline.after(Duration.ofMinutes(2)));
    }

    /** Mean absolute difference per channel, and the share of channel values off by more than 8. */
    private static double[] difference(BufferedImage a, BufferedImage b) {
        assertThat(a.getWidth()).isEqualTo(b.getWidth());
        assertThat(a.getHeight()).isEqualTo(b.getHeight());
        int w = a.getWidth();
        int[] ra = new int[w];
        int[] rb = new int[w];
        long sum = 0;
        long far = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            a.getRGB(0, y, w, 1, ra, 0, w);
            b.getRGB(0, y, w, 1, rb, 0, w);
            for (int x = 0; x < w; x++) {
                for (int s = 0; s <= 16; s += 8) {
                    int d = Math.abs(((ra[x] >> s) & 0xff) - ((rb[x] >> s) & 0xff));
                    sum += d;
                    if (d > 8) {
                        far++;
                    }
                }
            }
        }
        double n = 3.0 * w * a.getHeight();
        return new double[] {sum / n, far / n};
    }
}
