package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * HEIC and AVIF input through libheif, on files made at test time by Debian's {@code heif-enc}
 * and {@code avifenc} from a real photo (a Sony DSC-D700 JPEG from TwelveMonkeys' tests jar):
 * 8 and 10-bit, alpha, rotation; the worker's pixels are checked against {@code heif-convert}'s
 * decode of the same file.
 */
class HeifDecodeTest {
    static final String PHOTO = "/jpeg/exif-rgb-thumbnail-sony-d700.jpg";

    @TempDir
    Path dir;
    private final ImageProbe probe = new ImageProbe(50_000_000, NativeTestSupport.NATIVES);
    private final ImageDecoder decoder = new ImageDecoder(NativeTestSupport.NATIVES);

    @BeforeEach
    void needsLibheif() {
        NativeTestSupport.assumeHeif();
    }

    static ImageDecoder.Request request(List<String> warnings) {
        return new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(60)), warnings);
    }

    private BufferedImage decode(byte[] bytes) throws JobFailure {
        return decoder.decode(bytes, probe.probe(bytes), request(new ArrayList<>()));
    }

    /** The photo, upright, 672x512, as the worker decodes it. */
    static BufferedImage photo() throws Exception {
        byte[] jpeg = TolerantColourTest.resource(PHOTO);
        return new ImageDecoder().decode(jpeg, new ImageProbe(50_000_000).probe(jpeg), request(new ArrayList<>()));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** heif-convert's decode of the file, read back (16-bit PNGs too) through the worker's own PNG path. */
    private BufferedImage heifConvert(Path file) throws Exception {
        ExternalTools.assume("heif-convert", "libheif-examples");
        Path png = dir.resolve(file.getFileName() + ".png");
        ExternalTools.run("heif-convert", file.toString(), png.toString());
        byte[] bytes = Files.readAllBytes(png);
        return new ImageDecoder().decode(bytes, new ImageProbe(50_000_000).probe(bytes), request(new ArrayList<>()));
    }

    static Path heifEnc(Path in, Path out, String... options) throws Exception {
        ExternalTools.assume("heif-enc", "libheif-examples");
        List<String> cmd = new ArrayList<>(List.of("heif-enc", "-q", "80"));
        cmd.addAll(Arrays.asList(options));
        cmd.addAll(List.of("-o", out.toString(), in.toString()));
        ExternalTools.run(cmd.toArray(String[]::new));
        return out;
    }

    static Path avifEnc(Path in, Path out, String... options) throws Exception {
        ExternalTools.assume("avifenc", "libavif-bin");
        List<String> cmd = new ArrayList<>(List.of("avifenc", "-s", "8", "--min", "10", "--max", "30"));
        cmd.addAll(Arrays.asList(options));
        cmd.addAll(List.of(in.toString(), out.toString()));
        ExternalTools.run(cmd.toArray(String[]::new));
        return out;
    }

    /** The photo with an alpha ramp from opaque (left) to transparent (right). */
    static BufferedImage withAlphaRamp(BufferedImage src) {
        BufferedImage img = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int a = 255 - x * 255 / (src.getWidth() - 1);
                img.setRGB(x, y, (a << 24) | (src.getRGB(x, y) & 0xffffff));
            }
        }
        return img;
    }

    /** The photo as a 16-bit RGB PNG (each 8-bit value v as v * 257). */
    static byte[] png16(BufferedImage src) throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_USHORT, src.getWidth(), src.getHeight(), 3, null);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                int p = src.getRGB(x, y);
                r.setPixel(x, y, new int[] {((p >> 16) & 0xff) * 257, ((p >> 8) & 0xff) * 257, (p & 0xff) * 257});
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(cm, r, false, null), "png", out);
        return out.toByteArray();
    }

    @Test
    void decode_heicFromPhoto_matchesHeifConvert() throws Exception {
        Path heic = heifEnc(write("photo.jpg", TolerantColourTest.resource(PHOTO)), dir.resolve("photo.heic"));
        byte[] bytes = Files.readAllBytes(heic);

        ProbeResult header = probe.probe(bytes);
        BufferedImage img = decode(bytes);

        assertThat(header.format()).isEqualTo("heic");
        assertThat(header.width()).isEqualTo(672);
        assertThat(header.height()).isEqualTo(512);
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(NativeJpegTest.meanDifference(img, heifConvert(heic))).isLessThan(0.5);
        assertThat(NativeJpegTest.meanDifference(img, photo())).as("against the source photo").isLessThan(4.0);
    }

    @Test
    void decode_avifFromPhoto_matchesHeifConvert() throws Exception {
        Path avif = avifEnc(write("photo.jpg", TolerantColourTest.resource(PHOTO)), dir.resolve("photo.avif"));
        byte[] bytes = Files.readAllBytes(avif);

        BufferedImage img = decode(bytes);

        assertThat(probe.probe(bytes).format()).isEqualTo("avif");
        assertThat(NativeJpegTest.meanDifference(img, heifConvert(avif))).isLessThan(0.5);
        assertThat(NativeJpegTest.meanDifference(img, photo())).as("against the source photo").isLessThan(4.0);
    }

    @Test
    void thumbnail_heicAndAvif_haveTheColoursOfVipsthumbnail() throws Exception {
        ExternalTools.assume("vipsthumbnail", "libvips-tools");
        Path jpeg = write("photo.jpg", TolerantColourTest.resource(PHOTO));
        for (Path file : List.of(heifEnc(jpeg, dir.resolve("t.heic")), avifEnc(jpeg, dir.resolve("t.avif")))) {
            Path vips = dir.resolve(file.getFileName() + "-vips.png");
            ExternalTools.run("vipsthumbnail", "-s", "256", "-o", vips.toString(), file.toString());
            byte[] bytes = Files.readAllBytes(file);
            BufferedImage thumb = new ImageOps().apply(decode(bytes), List.of(io.imagefleet.wire.Op.Resize.inside(256, 256)),
                    new Geometry.Size(672, 512), JobDeadline.after(Duration.ofSeconds(30)));

            BufferedImage theirs = ImageIO.read(vips.toFile());

            assertThat(thumb.getWidth()).isEqualTo(theirs.getWidth()).isEqualTo(256);
            assertThat(thumb.getHeight()).isEqualTo(theirs.getHeight()).isEqualTo(195);
            assertThat(NativeJpegTest.meanDifference(thumb, theirs)).as("%s", file.getFileName()).isLessThan(3.0);
        }
    }

    @Test
    void decode_tenBitAvifAndHeic_areBroughtToEightBitsWithTheSameColours() throws Exception {
        Path png16 = write("photo16.png", png16(photo()));
        Path avif = avifEnc(png16, dir.resolve("p10.avif"), "-d", "10");
        Path heic = heifEnc(png16, dir.resolve("p10.heic"), "-b", "10");

        for (Path file : List.of(avif, heic)) {
            BufferedImage img = decode(Files.readAllBytes(file));

            assertThat(NativeJpegTest.meanDifference(img, heifConvert(file))).as("%s", file.getFileName()).isLessThan(1.0);
            assertThat(NativeJpegTest.meanDifference(img, photo())).as("%s against the photo", file.getFileName()).isLessThan(4.0);
        }
        assertThat(NativeTestSupport.NATIVES.heif().orElseThrow().header(Files.readAllBytes(avif)).bitDepth()).isEqualTo(10);
        assertThat(NativeTestSupport.NATIVES.heif().orElseThrow().header(Files.readAllBytes(heic)).bitDepth()).isEqualTo(10);
    }

    @Test
    void decode_alpha_isKept() throws Exception {
        BufferedImage src = withAlphaRamp(photo());
        Path png = write("alpha.png", TestImages.encode(src, "png"));

        for (Path file : List.of(heifEnc(png, dir.resolve("alpha.heic")), avifEnc(png, dir.resolve("alpha.avif")))) {
            BufferedImage img = decode(Files.readAllBytes(file));

            assertThat(img.getType()).as("%s", file.getFileName()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
            assertThat(img.getRGB(0, 256) >>> 24).as("left edge opaque").isGreaterThan(245);
            assertThat(img.getRGB(336, 256) >>> 24).as("middle half transparent").isBetween(118, 138);
            assertThat(img.getRGB(671, 256) >>> 24).as("right edge transparent").isLessThan(10);
        }
    }

    @Test
    void decode_exifOrientationWithoutIrot_isAppliedLikeJpeg() throws Exception {
        BufferedImage photo = photo();
        BufferedImage stored = Orientation.apply(photo, 8); // stored turned back, so orientation 6 makes it upright
        Path jpeg = write("rotated.jpg", TestImages.jpegWithOrientation(stored, 6, false));
        Path heic = heifEnc(jpeg, dir.resolve("rotated.heic")); // heif-enc 1.15 keeps the EXIF tag and writes no irot
        byte[] bytes = Files.readAllBytes(heic);

        ProbeResult header = probe.probe(bytes);
        BufferedImage img = decode(bytes);

        assertThat(ExternalTools.run("heif-info", heic.toString())).contains("512x672");
        assertThat(Formats.heifHasTransforms(bytes)).isFalse();
        assertThat(header.orientation()).isEqualTo(6);
        assertThat(header.orientedWidth(true)).isEqualTo(672);
        assertThat(NativeJpegTest.meanDifference(img, photo)).as("upright").isLessThan(5.0);
    }

    @Test
    void decode_irotWithTheSameExifOrientation_isTurnedOnce() throws Exception {
        BufferedImage photo = photo();
        Path jpeg = write("rotated.jpg", TestImages.jpegWithOrientation(Orientation.apply(photo, 8), 6, false));
        Path avif = avifEnc(jpeg, dir.resolve("rotated.avif")); // avifenc writes irot/imir and keeps the EXIF, as iPhones do
        byte[] bytes = Files.readAllBytes(avif);

        ProbeResult header = probe.probe(bytes);
        BufferedImage img = decode(bytes);

        assertThat(ExternalTools.run("heif-info", avif.toString())).contains("672x512");
        assertThat(Formats.heifHasTransforms(bytes)).isTrue();
        assertThat(Orientation.fromExif(NativeTestSupport.NATIVES.heif().orElseThrow().header(bytes).exif())).isEqualTo(6);
        assertThat(header.orientation()).as("the EXIF orientation repeats the irot").isEqualTo(Orientation.NORMAL);
        assertThat(header.width()).isEqualTo(672);
        assertThat(NativeJpegTest.meanDifference(img, photo)).as("upright, not turned twice").isLessThan(5.0);
    }

    @Test
    void probe_headerOverThePixelLimit_isRefusedBeforeDecoding() throws Exception {
        byte[] bytes = Files.readAllBytes(heifEnc(write("photo.jpg", TolerantColourTest.resource(PHOTO)), dir.resolve("p.heic")));
        int ispe = indexOf(bytes, "ispe".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(ispe).isPositive();
        java.nio.ByteBuffer.wrap(bytes, ispe + 8, 8).putInt(60_000).putInt(40_000); // after the version and flags

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> probe.probe(bytes));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).contains("60000x40000").contains("2400.0 MP");
    }

    @Test
    void subsamplingFor_heif_isFullSizeWhateverThePlan() throws Exception {
        byte[] bytes = Files.readAllBytes(avifEnc(write("photo.jpg", TolerantColourTest.resource(PHOTO)), dir.resolve("p.avif")));

        assertThat(decoder.subsamplingFor(probe.probe(bytes), 4)).as("admission reserves the full decode").isEqualTo(1);
    }

    @Test
    void decode_truncatedHeic_failsDecodeNotInternal() throws Exception {
        byte[] bytes = Files.readAllBytes(heifEnc(write("photo.jpg", TolerantColourTest.resource(PHOTO)), dir.resolve("p.heic")));
        byte[] cut = Arrays.copyOf(bytes, bytes.length / 2);

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decoder.decode(cut, probe.probe(cut), request(new ArrayList<>())));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).startsWith("heic ").contains("libheif");
    }

    @Test
    void probe_withoutLibheif_isUnsupportedNamingTheLibrary() throws Exception {
        byte[] bytes = Files.readAllBytes(avifEnc(write("photo.jpg", TolerantColourTest.resource(PHOTO)), dir.resolve("p.avif")));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> new ImageProbe(50_000_000).probe(bytes));

        assertThat(f.code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT);
        assertThat(f.getMessage()).contains("AVIF").contains("libheif");
    }

    static int indexOf(byte[] b, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= b.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
