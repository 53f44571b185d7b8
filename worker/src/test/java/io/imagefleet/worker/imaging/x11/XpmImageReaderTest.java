package io.imagefleet.worker.imaging.x11;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.pipeline.JobFailure;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static io.imagefleet.worker.imaging.x11.X11Fixtures.PROBE;
import static io.imagefleet.worker.imaging.x11.X11Fixtures.assertProbeRefuses50000x50000WithoutAllocating;
import static io.imagefleet.worker.imaging.x11.X11Fixtures.decode;
import static io.imagefleet.worker.imaging.x11.X11Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class XpmImageReaderTest {
    private static final int NONE = 0x00000000;
    private static final int NAVY = 0xff000080;
    private static final int ORANGE = 0xffff8000;        // #ffff80000000
    private static final int GREEN = 0xff00ff00;         // #0f0
    private static final int GOLDENROD = 0xfffafad2;     // light goldenrod yellow
    private static final int WHITE = 0xffffffff;         // m white

    private static int[] row(BufferedImage img, int y) {
        return img.getRGB(0, y, img.getWidth(), 1, null, 0, img.getWidth());
    }

    private static byte[] xpm(String values, String... lines) {
        StringBuilder sb = new StringBuilder("/* XPM */\nstatic char *t[] = {\n\"" + values + "\",\n");
        for (String line : lines) {
            sb.append('"').append(line).append("\",\n");
        }
        return sb.append("};\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void decode_twoCharactersPerPixel_namesHexAndNoneGiveExactPixels() throws Exception {
        byte[] bytes = resource("cpp2-4x3.xpm");

        ProbeResult header = PROBE.probe(bytes);
        BufferedImage img = decode(bytes);

        assertThat(header).isEqualTo(new ProbeResult("xpm", 4, 3, 1));
        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(row(img, 0)).containsExactly(NONE, NAVY, ORANGE, GREEN);
        assertThat(row(img, 1)).containsExactly(GOLDENROD, WHITE, NONE, NAVY);
        assertThat(row(img, 2)).containsExactly(ORANGE, ORANGE, ORANGE, ORANGE);
    }

    @Test
    void decode_noTransparentColour_isOpaqueRgb() throws Exception {
        BufferedImage img = decode(xpm("2 1 2 1", "a c #123", "b c NavyBlue", "ab"));

        assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(row(img, 0)).containsExactly(0xff112233, NAVY);
    }

    @Test
    void canDecodeInput_startsWithTheXpmComment_isClaimedAndLeavesTheStreamWhereItWas() throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(resource("cpp2-4x3.xpm")))) {
            boolean claimed = new XpmImageReaderSpi().canDecodeInput(in);

            assertThat(claimed).isTrue();
            assertThat(in.getStreamPosition()).isZero();
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(resource("not-a-bitmap.c")))) {
            assertThat(new XpmImageReaderSpi().canDecodeInput(in)).isFalse();
        }
    }

    @Test
    void probe_headerDeclaring50000x50000_isTooLargeWithoutAllocating() throws Exception {
        byte[] bomb = xpm("50000 50000 1 1", "a c red", "a");

        assertProbeRefuses50000x50000WithoutAllocating(resource("cpp2-4x3.xpm"), bomb);
    }

    @Test
    void read_headerOnly_givesTheSizeWithoutTheColourTable() throws Exception {
        byte[] headerOnly = "/* XPM */ static char *t[] = { \"640 480 70000 3\",".getBytes(StandardCharsets.US_ASCII);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(headerOnly))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);

            assertThat(reader.getWidth(0)).isEqualTo(640);
            assertThat(reader.getHeight(0)).isEqualTo(480);
            reader.dispose();
        }
    }

    @Test
    void decode_keyMissingFromTheColourTable_failsNamingIt() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decode(xpm("2 1 1 1", "a c red", "az")));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("XPM row 1 (line 5), pixel 2: the key 'z' is not in the colour table");
    }

    @Test
    void decode_unknownColourName_failsNamingIt() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decode(xpm("1 1 1 1", "a c no such colour", "a")));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("XPM colour 1 (line 4) for key 'a' has no colour X11 knows: 'c no such colour'");
    }

    @Test
    void decode_rowShorterThanTheWidth_failsWithBothLengths() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decode(xpm("3 2 1 2", "aa c red", "aaaaaa", "aaaa")));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("XPM row 2 of 2 (line 6) has 4 characters; 3 pixels at 2 characters each take 6");
    }

    @Test
    void decode_fiveCharactersPerPixel_failsSayingWhatIsSupported() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decode(xpm("1 1 1 5", "aaaaa c red", "aaaaa")));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("5 characters per pixel; 1 to 4 are supported");
    }

    @Test
    void decode_moreColoursThanPixels_failsBeforeReadingTheTable() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decode(xpm("2 1 3 1", "a c red", "b c blue", "c c navy", "ab")));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("ncolors is 3 for a 2x1 image; an image cannot use more colours than it has pixels");
    }
}
