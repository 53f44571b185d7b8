package io.imagefleet.worker.imaging;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFEntry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFWriter;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Keep;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Outputs are stripped by default; {@code keep} keeps the ICC profile (pixels left in it) and the Artist and Copyright. */
class MetadataKeepTest {
    private static final ICC_Profile LINEAR = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB);
    private static final int GREY = 0x808080;

    @TempDir
    Path dir;
    private final ImageProbe probe = new ImageProbe(50_000_000, NativeTestSupport.NATIVES);
    private final ImageDecoder decoder = new ImageDecoder(NativeTestSupport.NATIVES);
    private final ImageEncoder encoder = new ImageEncoder(NativeTestSupport.NATIVES);

    private static byte[] copyrightExif() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            new TIFFWriter().write(List.of(new TIFFEntry(TIFF.TAG_ORIENTATION, TIFF.TYPE_SHORT, 1),
                    new TIFFEntry(TIFF.TAG_ARTIST, TIFF.TYPE_ASCII, "Ada Lovelace"),
                    new TIFFEntry(TIFF.TAG_COPYRIGHT, TIFF.TYPE_ASCII, "(c) 2026 Ada Lovelace"),
                    new TIFFEntry(TIFF.TAG_SOFTWARE, TIFF.TYPE_ASCII, "not kept")), ios);
        }
        return out.toByteArray();
    }

    /** A grey JPEG whose pixels are in linear RGB (its embedded profile), with Artist, Copyright and Software. */
    private static byte[] source() throws Exception {
        return MetadataWriter.jpeg(TestImages.encode(TestImages.solid(32, 32, GREY), "jpeg"), LINEAR.getData(), copyrightExif());
    }

    private static OutputSpec output(Format format, Keep... keep) {
        return OutputSpec.of("o", List.of(), format, 95, "file:///tmp/").withKeep(List.of(keep));
    }

    private byte[] run(byte[] src, OutputSpec out, List<OutputSpec> all) throws Exception {
        SourceMetadata kept = SourceMetadata.keptBy(all);
        JobDeadline deadline = JobDeadline.after(Duration.ofSeconds(60));
        BufferedImage img = decoder.decode(src, probe.probe(src),
                new ImageDecoder.Request(1, false, true, deadline, new ArrayList<>(), kept));
        return encoder.encode(img, out, kept, deadline);
    }

    private static int grey(BufferedImage img) {
        return img.getRGB(16, 16) & 0xff;
    }

    private BufferedImage decodePlain(byte[] bytes) throws Exception {
        return new ImageDecoder(NativeTestSupport.NATIVES).decode(bytes, probe.probe(bytes), new ImageDecoder.Request(1, false, true,
                JobDeadline.after(Duration.ofSeconds(30))));
    }

    private static String field(byte[] tiff, int tag) {
        Directory ifd0 = Orientation.ifd0(tiff);
        return ifd0 == null || ifd0.getEntryById(tag) == null ? null : ifd0.getEntryById(tag).getValueAsString();
    }

    @Test
    void encode_byDefault_isSrgbAndStripped() throws Exception {
        OutputSpec out = output(Format.JPEG);

        byte[] jpeg = run(source(), out, List.of(out));

        String text = new String(jpeg, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("ICC_PROFILE").doesNotContain("Exif").doesNotContain("Lovelace");
        assertThat(grey(decodePlain(jpeg))).as("linear 128 converted to sRGB").isGreaterThan(180);
    }

    @Test
    void encode_jpegKeepingIccAndCopyright_carriesTheProfileAndOnlyThoseFields() throws Exception {
        OutputSpec out = output(Format.JPEG, Keep.ICC, Keep.COPYRIGHT);

        byte[] jpeg = run(source(), out, List.of(out));

        byte[] profile = NativeJpegDecoder.embeddedProfile(jpeg);
        assertThat(profile).hasSameSizeAs(LINEAR.getData());
        assertThat(new String(profile, StandardCharsets.ISO_8859_1)).contains("linear sRGB");
        byte[] exif = Orientation.exif(jpeg, "jpeg");
        assertThat(field(exif, TIFF.TAG_ARTIST)).isEqualTo("Ada Lovelace");
        assertThat(field(exif, TIFF.TAG_COPYRIGHT)).isEqualTo("(c) 2026 Ada Lovelace");
        assertThat(field(exif, TIFF.TAG_SOFTWARE)).isNull();
        assertThat(grey(new ImageDecoder().decode(jpeg, new ImageProbe(50_000_000).probe(jpeg),
                new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30)))))).as("shown through its profile")
                .isGreaterThan(180);
        assertThat(TestImages.near(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                TestImages.encode(decodeRaw(jpeg), "png"))).getRGB(16, 16), GREY, 3)).as("the pixels were left in the profile").isTrue();
    }

    /** The stored samples, as a decoder that ignores profiles sees them. */
    private static BufferedImage decodeRaw(byte[] jpeg) throws Exception {
        javax.imageio.ImageReader r = javax.imageio.ImageIO.getImageReadersByFormatName("jpeg").next();
        try (var in = javax.imageio.ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(jpeg))) {
            r.setInput(in);
            java.awt.image.Raster raster = r.readRaster(0, null);
            BufferedImage img = new BufferedImage(raster.getWidth(), raster.getHeight(), BufferedImage.TYPE_INT_RGB);
            int[] ycc = raster.getPixel(16, 16, (int[]) null);
            img.setRGB(16, 16, (ycc[0] << 16) | (ycc[0] << 8) | ycc[0]); // grey: Y is the value
            return img;
        } finally {
            r.dispose();
        }
    }

    @Test
    void encode_keepingIccOfAPngThroughImageIo_leavesThePixelsInTheProfile() throws Exception {
        OutputSpec out = output(Format.PNG, Keep.ICC);
        SourceMetadata kept = SourceMetadata.keptBy(List.of(out));
        JobDeadline deadline = JobDeadline.after(Duration.ofSeconds(30));
        byte[] src = TestImages.pngWithProfile(TestImages.solid(32, 32, GREY), LINEAR);
        BufferedImage img = new ImageDecoder().decode(src, new ImageProbe(50_000_000).probe(src),
                new ImageDecoder.Request(1, false, true, deadline, new ArrayList<>(), kept));

        byte[] png = encoder.encode(img, out, kept, deadline);

        assertThat(grey(img)).as("left in linear RGB").isCloseTo(128, org.assertj.core.data.Offset.offset(1));
        assertThat(new String(png, StandardCharsets.ISO_8859_1)).contains("iCCP");
        assertThat(grey(decodePlain(png))).as("shown through its profile").isGreaterThan(180);
    }

    /** TwelveMonkeys' JPEG reader converts to sRGB itself: without libjpeg-turbo, such a JPEG's profile cannot be kept. */
    @Test
    void encode_keepingIccOfAJpegThroughTwelveMonkeys_isSrgbWithoutAProfile() throws Exception {
        OutputSpec out = output(Format.JPEG, Keep.ICC);
        SourceMetadata kept = SourceMetadata.keptBy(List.of(out));
        JobDeadline deadline = JobDeadline.after(Duration.ofSeconds(30));
        byte[] src = source();
        BufferedImage img = new ImageDecoder().decode(src, new ImageProbe(50_000_000).probe(src),
                new ImageDecoder.Request(1, false, true, deadline, new ArrayList<>(), kept));

        byte[] jpeg = encoder.encode(img, out, kept, deadline);

        assertThat(NativeJpegDecoder.embeddedProfile(jpeg)).isNull();
        assertThat(grey(decodePlain(jpeg))).isGreaterThan(180);
    }

    @Test
    void encode_outputNotKeepingBesideOneThatKeeps_isConvertedToSrgb() throws Exception {
        OutputSpec keeps = output(Format.JPEG, Keep.ICC);
        OutputSpec strips = output(Format.PNG);

        byte[] png = run(source(), strips, List.of(keeps, strips));

        assertThat(new String(png, StandardCharsets.ISO_8859_1)).doesNotContain("iCCP");
        assertThat(grey(decodePlain(png))).isGreaterThan(180);
    }

    @Test
    void encode_pngAndWebpAndAvifKeepingBoth_carryTheProfileAndTheFields() throws Exception {
        for (Format format : List.of(Format.PNG, Format.WEBP, Format.AVIF)) {
            if (format == Format.WEBP && !NativeTestSupport.NATIVES.hasWebp() || format == Format.AVIF && !NativeTestSupport.NATIVES.hasHeif()) {
                continue;
            }
            OutputSpec out = output(format, Keep.ICC, Keep.COPYRIGHT);

            byte[] bytes = run(source(), out, List.of(out));

            assertThat(grey(decodePlain(bytes))).as("%s shown through its profile", format).isBetween(180, 200);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            assertThat(text).as("%s", format).contains("(c) 2026 Ada Lovelace").doesNotContain("not kept");
            Path file = Files.write(dir.resolve("out." + format.extension()), bytes);
            if (format == Format.WEBP) {
                ExternalTools.assume("webpmux", "webp");
                assertThat(ExternalTools.run("webpmux", "-info", file.toString())).contains("ICC profile").contains("EXIF");
            } else if (format == Format.AVIF) {
                ExternalTools.assume("heif-info", "libheif-examples");
                assertThat(ExternalTools.run("heif-info", file.toString())).contains("color profile: prof").contains("Exif");
            }
        }
    }
}
