package io.imagefleet.worker.imaging.x11;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.ImageProbe;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.pipeline.JobDeadline;
import io.imagefleet.worker.pipeline.JobFailure;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;

import static io.imagefleet.worker.imaging.x11.X11Fixtures.PROBE;
import static io.imagefleet.worker.imaging.x11.X11Fixtures.assertProbeRefuses50000x50000WithoutAllocating;
import static io.imagefleet.worker.imaging.x11.X11Fixtures.blackAndWhite;
import static io.imagefleet.worker.imaging.x11.X11Fixtures.decode;
import static io.imagefleet.worker.imaging.x11.X11Fixtures.refusal;
import static io.imagefleet.worker.imaging.x11.X11Fixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class XbmImageReaderTest {
    private static final String[] EXPECTED = {
            "#.#.#.#.#.",
            "##########",
            ".........#"};

    @Test
    void decode_x11Bitmap_bitsLeastSignificantFirstWithOneBlack() throws Exception {
        byte[] xbm = resource("x11-10x3.xbm");

        ProbeResult header = PROBE.probe(xbm);
        BufferedImage img = decode(xbm);

        assertThat(header).isEqualTo(new ProbeResult("xbm", 10, 3, 1));
        assertThat(blackAndWhite(img)).containsExactly(EXPECTED);
    }

    @Test
    void decode_x10Bitmap_sixteenBitValuesGiveTheSamePixels() throws Exception {
        BufferedImage img = decode(resource("x10-10x3.xbm"));

        assertThat(blackAndWhite(img)).containsExactly(EXPECTED);
    }

    @Test
    void decode_unsignedShortAndBareHexValues_areReadAsXlibReadsThem() throws Exception {
        byte[] xbm = """
                #define b_width 3
                #define b_height 2
                static unsigned short b_bits[] = { 0X5, 2 };
                """.getBytes(StandardCharsets.US_ASCII);

        assertThat(blackAndWhite(decode(xbm))).containsExactly("#.#", ".#.");
    }

    @Test
    void read_sourceSubsampling_takesEverySecondPixelAndRow() throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(resource("x11-10x3.xbm")))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(2, 2, 1, 0);

            BufferedImage img = reader.read(0, param);

            assertThat(blackAndWhite(img)).containsExactly(".....", "....#");
            reader.dispose();
        }
    }

    @Test
    void canDecodeInput_cSourceWithDefinesButNoBitsArray_isNotClaimed() throws Exception {
        byte[] c = resource("not-a-bitmap.c");
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(c))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);

            assertThat(readers.hasNext()).isFalse();
        }
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> PROBE.probe(c));
        assertThat(f.code()).isEqualTo(ErrorCode.UNSUPPORTED_FORMAT);
    }

    @Test
    void canDecodeInput_bitmapHeader_isClaimedAndLeavesTheStreamWhereItWas() throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(resource("x11-10x3.xbm")))) {
            boolean claimed = new XbmImageReaderSpi().canDecodeInput(in);

            assertThat(claimed).isTrue();
            assertThat(in.getStreamPosition()).isZero();
        }
    }

    @Test
    void probe_headerDeclaring50000x50000_isTooLargeWithoutAllocating() throws Exception {
        byte[] bomb = """
                #define bomb_width 50000
                #define bomb_height 50000
                static char bomb_bits[] = { 0x00 };
                """.getBytes(StandardCharsets.US_ASCII);

        assertProbeRefuses50000x50000WithoutAllocating(resource("x11-10x3.xbm"), bomb);
    }

    @Test
    void decode_headerLargerThanItsData_isRefusedBeforeAllocating() throws Exception {
        byte[] xbm = """
                #define big_width 20000
                #define big_height 20000
                static unsigned char big_bits[] = { 0x00, 0x01 };
                """.getBytes(StandardCharsets.US_ASCII);
        // A limit that lets 400 MP through the probe: the decode itself must refuse the data.
        ImageProbe probe = new ImageProbe(500_000_000);
        ImageDecoder decoder = new ImageDecoder();
        ImageDecoder.Request request = new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30)));
        byte[] fixture = resource("x11-10x3.xbm");
        decoder.decode(fixture, probe.probe(fixture), request); // load the plugins first

        X11Fixtures.Refusal r = refusal(() -> decoder.decode(xbm, probe.probe(xbm), request));
        JobFailure f = r.failure();
        long allocated = r.allocated();
        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("XBM data is truncated: 20000x20000 bits in 50000000 8-bit values take at least "
                + "99999999 bytes, the file has " + xbm.length);
        // The image would be 50 MB even at one bit a pixel.
        assertThat(allocated).as("bytes allocated by probe and decode").isLessThan(10L << 20);
    }

    @Test
    void decode_valuesEndBeforeTheLastRow_failsSayingHowMany() {
        byte[] xbm = """
                #define t_width 10
                #define t_height 3
                static unsigned char t_bits[] = { 0x55, 0x01, 0xff, 0x03, 0x00 };
                """.getBytes(StandardCharsets.US_ASCII);

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decode(xbm));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("XBM data ends after 5 of 6 values (at '}', line 3)");
    }

    @Test
    void decode_valueTooLargeForAByte_failsNamingIt() {
        byte[] xbm = """
                #define t_width 8
                #define t_height 1
                static char t_bits[] = { 0x1ff };
                """.getBytes(StandardCharsets.US_ASCII);

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decode(xbm));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("XBM value 1 on line 3 is over 0xff");
    }
}
