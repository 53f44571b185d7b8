package io.imagefleet.worker.imaging;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFWriter;
import io.imagefleet.wire.Animation;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Keep;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kept metadata ({@code "keep": ["icc", "copyright"]}) in an animated WebP output of an animated
 * WebP source: the source is made by img2webp and given an ICC profile and EXIF by webpmux; the
 * output is read back chunk by chunk and checked by {@code webpmux -info}.
 */
class AnimationMetadataTest {
    private static final NativeCodecs NATIVES = NativeTestSupport.NATIVES;
    private static final JobDeadline MINUTE = JobDeadline.after(Duration.ofMinutes(1));
    private static final byte[] LINEAR = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        AnimatedFixtures.assumeTools();
        Assumptions.assumeTrue(NATIVES.hasWebpAnimation(), () -> "libwebpdemux/libwebpmux are not installed: " + NATIVES.report());
    }

    private byte[] taggedSource() throws Exception {
        Path pan = AnimatedFixtures.panningWebp(dir);
        Path icc = Files.write(dir.resolve("linear.icc"), LINEAR);
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(tiff)) {
            new TIFFWriter().write(List.of(new TIFFEntry(TIFF.TAG_ARTIST, TIFF.TYPE_ASCII, "Ada Lovelace"),
                    new TIFFEntry(TIFF.TAG_COPYRIGHT, TIFF.TYPE_ASCII, "(c) 2026 Ada Lovelace"),
                    new TIFFEntry(TIFF.TAG_SOFTWARE, TIFF.TYPE_ASCII, "not kept")), ios);
        }
        Path exif = Files.write(dir.resolve("exif.bin"), tiff.toByteArray());
        Path withIcc = dir.resolve("icc.webp");
        Path tagged = dir.resolve("tagged.webp");
        AnimatedFixtures.run("webpmux", "-set", "icc", icc.toString(), pan.toString(), "-o", withIcc.toString());
        AnimatedFixtures.run("webpmux", "-set", "exif", exif.toString(), withIcc.toString(), "-o", tagged.toString());
        return Files.readAllBytes(tagged);
    }

    private static OutputSpec output(Keep... keep) {
        return OutputSpec.of("a", List.of(Op.Resize.inside(80, 80)), Format.WEBP, null, "file:///tmp/")
                .withAnimation(Animation.KEEP).withKeep(List.of(keep));
    }

    private byte[] animate(byte[] source, OutputSpec out) throws Exception {
        return new Animator(NATIVES, 50_000_000, 500)
                .encode(source, new ImageProbe(50_000_000, NATIVES).probe(source), out, true, MINUTE).bytes();
    }

    private static String field(byte[] tiff, int tag) {
        Directory ifd0 = Orientation.ifd0(tiff);
        return ifd0 == null || ifd0.getEntryById(tag) == null ? null : ifd0.getEntryById(tag).getValueAsString();
    }

    @Test
    void encode_keepIccAndCopyright_animatedWebpCarriesThemWithEveryFrame() throws Exception {
        byte[] webp = animate(taggedSource(), output(Keep.ICC, Keep.COPYRIGHT));

        assertThat(WebpChunks.frames(webp)).isEqualTo(3);
        assertThat(WebpChunks.chunk(webp, "ICCP")).isEqualTo(LINEAR);
        byte[] exif = Orientation.exif(webp, "webp");
        assertThat(field(exif, TIFF.TAG_ARTIST)).isEqualTo("Ada Lovelace");
        assertThat(field(exif, TIFF.TAG_COPYRIGHT)).isEqualTo("(c) 2026 Ada Lovelace");
        assertThat(field(exif, TIFF.TAG_SOFTWARE)).isNull();
        Path out = Files.write(dir.resolve("out.webp"), webp);
        assertThat(AnimatedFixtures.webpInfo(out).durations()).containsExactly(100, 250, 70);
        assertThat(AnimatedFixtures.run("webpmux", "-get", "icc", out.toString(), "-o", dir.resolve("got.icc").toString()))
                .doesNotContain("Failed");
        assertThat(Files.readAllBytes(dir.resolve("got.icc"))).isEqualTo(LINEAR);
    }

    @Test
    void encode_keepNothing_animatedWebpIsStripped() throws Exception {
        byte[] webp = animate(taggedSource(), output());

        assertThat(WebpChunks.frames(webp)).isEqualTo(3);
        assertThat(WebpChunks.chunk(webp, "ICCP")).isNull();
        assertThat(WebpChunks.chunk(webp, "EXIF")).isNull();
    }
}
