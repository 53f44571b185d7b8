package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.pipeline.DecodePlan;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every broken or hostile image among the test files of TwelveMonkeys' and Commons Imaging's own
 * test jars (truncated, fuzzer-found, bogus headers and markers, absurd sizes, corrupt profiles)
 * goes through the probe and the decoder (with the plan of a 256 px thumbnail, native codecs
 * loaded) and ends in a success or a precise code: never an unchecked exception, which the
 * pipeline would have to answer INTERNAL.
 */
class BrokenImagesTest {
    /** What the test jars' own names call broken or hostile. */
    private static final Pattern BROKEN = Pattern.compile("broken|bad|corrupt|invalid|truncat|short|timeout|crash"
            + "|exception|fuzz|IMAGING-|reallybig|oome|loop|beyond-eof|malformed|bogus|incompatible|error|cmm-"
            + "|bmpsuite/b/|negative|overflow|zero", Pattern.CASE_INSENSITIVE);
    private static final Pattern NOT_IMAGES = Pattern.compile("\\.(class|txt|html|xml|md|markdown|properties|MF)$|/$");
    private static final Set<ErrorCode> PRECISE = EnumSet.of(ErrorCode.UNSUPPORTED_FORMAT, ErrorCode.DECODE_FAILED,
            ErrorCode.IMAGE_TOO_LARGE);

    /** The test jars on the class path: every jar whose name ends in -tests.jar from either project. */
    private static List<JarFile> testJars() throws IOException {
        List<JarFile> jars = new ArrayList<>();
        for (URL url : Collections.list(BrokenImagesTest.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            String s = url.toString();
            if (s.startsWith("jar:") && s.contains("-tests.jar!") && (s.contains("twelvemonkeys") || s.contains("commons-imaging"))) {
                jars.add(((JarURLConnection) url.openConnection()).getJarFile());
            }
        }
        return jars;
    }

    @Test
    void probeAndDecode_everyBrokenTestImage_endsInAPreciseCode() throws Exception {
        NativeCodecs natives = NativeTestSupport.NATIVES;
        ImageProbe probe = new ImageProbe(50_000_000, natives);
        ImageDecoder decoder = new ImageDecoder(natives);
        List<OutputSpec> thumb = List.of(OutputSpec.of("t", List.of(Op.Resize.inside(256, 256)), Format.JPEG, 85, "file:///tmp/"));
        Map<String, String> outcomes = new TreeMap<>();
        List<String> unchecked = new ArrayList<>();

        List<JarFile> jars = testJars();
        for (JarFile jar : jars) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (!BROKEN.matcher(name).find() || NOT_IMAGES.matcher(name).find()) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = jar.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                String key = jar.getName().replaceAll(".*/", "") + "!" + name;
                try {
                    ProbeResult h = probe.probe(bytes);
                    int factor = DecodePlan.subsampling(h.width(), h.height(), thumb);
                    List<String> warnings = new ArrayList<>();
                    decoder.decode(bytes, h, new ImageDecoder.Request(factor, false, true,
                            JobDeadline.after(Duration.ofSeconds(60)), warnings));
                    outcomes.put(key, warnings.isEmpty() ? "succeeded" : "succeeded with a warning");
                } catch (JobFailure f) {
                    outcomes.put(key, f.code().name());
                    if (!PRECISE.contains(f.code())) {
                        unchecked.add(key + ": " + f.code() + " " + f.getMessage());
                    }
                } catch (RuntimeException e) {
                    unchecked.add(key + ": " + e);
                }
            }
        }

        assertThat(jars).as("the test jars on the class path").hasSizeGreaterThanOrEqualTo(15);
        assertThat(outcomes.size()).as("broken test images found").isGreaterThan(90);
        assertThat(unchecked).as("outcomes that are not a precise code").isEmpty();
        assertThat(outcomes).containsEntry("imageio-jpeg-3.14.0-tests.jar!jpeg/corrupted-icc-srgb.jpg", "succeeded with a warning")
                .containsEntry("imageio-bmp-3.13.1-tests.jar!bmpsuite/b/reallybig.bmp", "IMAGE_TOO_LARGE")
                .containsEntry("imageio-tiff-3.14.0-tests.jar!tiff/general-cmm-error.tif", "succeeded with a warning");
        System.out.printf(Locale.ROOT, "broken test images: %d, outcomes %s%n", outcomes.size(),
                outcomes.values().stream().collect(java.util.stream.Collectors.groupingBy(v -> v, TreeMap::new,
                        java.util.stream.Collectors.counting())));
    }
}
