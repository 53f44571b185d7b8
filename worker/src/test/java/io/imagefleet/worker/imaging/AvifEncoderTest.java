package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** AVIF output through libheif's AV1 encoder, read back by libheif's own tools and by the worker. */
class AvifEncoderTest {
    @TempDir
    Path dir;
    private final ImageEncoder encoder = new ImageEncoder(NativeTestSupport.NATIVES);
    private final ImageProbe probe = new ImageProbe(50_000_000, NativeTestSupport.NATIVES);
    private final ImageDecoder decoder = new ImageDecoder(NativeTestSupport.NATIVES);

    @BeforeEach
    void needsLibheif() {
        NativeTestSupport.assumeHeif();
    }

    private static OutputSpec avif(Integer quality) {
        return OutputSpec.of("a", List.of(), Format.AVIF, quality, "file:///tmp/");
    }

    private byte[] encode(BufferedImage img, OutputSpec spec) throws JobFailure {
        return encoder.encode(img, spec, JobDeadline.after(Duration.ofSeconds(60)));
    }

    private BufferedImage decode(byte[] bytes) throws JobFailure {
        return decoder.decode(bytes, probe.probe(bytes), HeifDecodeTest.request(new ArrayList<>()));
    }

    @Test
    void encode_photo_isAnAvifThatHeifInfoOpensWithTheSameColours() throws Exception {
        BufferedImage photo = HeifDecodeTest.photo();

        byte[] bytes = encode(photo, avif(null));

        assertThat(new String(bytes, 4, 8, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("ftypavif");
        Path file = Files.write(dir.resolve("out.avif"), bytes);
        ExternalTools.assume("heif-info", "libheif-examples");
        assertThat(ExternalTools.run("heif-info", file.toString())).contains("image/avif").contains("672x512")
                .contains("alpha channel: no");
        ExternalTools.assume("avifdec", "libavif-bin");
        assertThat(ExternalTools.run("avifdec", "--info", file.toString())).contains("Resolution").contains("672x512");
        BufferedImage back = decode(bytes);
        assertThat(back.getWidth()).isEqualTo(672);
        assertThat(NativeJpegTest.meanDifference(back, photo)).isLessThan(4.0);
    }

    @Test
    void encode_alpha_isKept() throws Exception {
        BufferedImage src = HeifDecodeTest.withAlphaRamp(HeifDecodeTest.photo());

        BufferedImage back = decode(encode(src, avif(80)));

        assertThat(back.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(back.getRGB(0, 100) >>> 24).isGreaterThan(245);
        assertThat(back.getRGB(336, 100) >>> 24).isBetween(118, 138);
        assertThat(back.getRGB(671, 100) >>> 24).isLessThan(10);
    }

    @Test
    void encode_speed_reachesTheEncoderAndBothSpeedsDecode() throws Exception {
        BufferedImage photo = HeifDecodeTest.photo();

        byte[] slow = encode(photo, avif(60).withSpeed(4));
        byte[] fastest = encode(photo, avif(60).withSpeed(10));

        // aom's speeds choose different coding tools: the same picture and quality give different files.
        assertThat(slow).isNotEqualTo(fastest);
        assertThat(encode(photo, avif(60).withSpeed(9))).as("10 means aom's fastest, 9").isEqualTo(fastest);
        assertThat(NativeJpegTest.meanDifference(decode(slow), photo)).isLessThan(4.0);
        assertThat(NativeJpegTest.meanDifference(decode(fastest), photo)).isLessThan(4.0);
    }

    @Test
    void encode_quality_tradesBytesForFidelity() throws Exception {
        BufferedImage photo = HeifDecodeTest.photo();

        byte[] low = encode(photo, avif(20));
        byte[] high = encode(photo, avif(90));

        assertThat(low.length).isLessThan(high.length / 2);
        assertThat(NativeJpegTest.meanDifference(decode(high), photo)).isLessThan(NativeJpegTest.meanDifference(decode(low), photo));
    }

    @Test
    void encode_withoutLibheif_failsEncodeNamingTheLibrary() {
        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> new ImageEncoder().encode(TestImages.solid(8, 8, 0xff0000), avif(null), JobDeadline.after(Duration.ofSeconds(5))));

        assertThat(f.code()).isEqualTo(ErrorCode.ENCODE_FAILED);
        assertThat(f.getMessage()).contains("avif").contains("libheif");
    }
}
