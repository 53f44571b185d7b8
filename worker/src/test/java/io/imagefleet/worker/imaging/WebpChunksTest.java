package io.imagefleet.worker.imaging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class WebpChunksTest {
    @TempDir
    Path dir;

    /** A RIFF WebP of the given chunks, each {@code name} with {@code size} zero bytes (padded to even). */
    private static byte[] riff(Object... nameAndSize) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < nameAndSize.length; i += 2) {
            int size = (Integer) nameAndSize[i + 1];
            body.writeBytes(((String) nameAndSize[i]).getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(new byte[]{(byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
            body.writeBytes(new byte[size + (size & 1)]);
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        int n = body.size();
        file.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        file.writeBytes(new byte[]{(byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
        file.writeBytes(body.toByteArray());
        return file.toByteArray();
    }

    @Test
    void frames_animatedWebpMadeByImg2webp_countsEveryFrame() throws Exception {
        // img2webp writes the three panning frames as three ANMF chunks.
        AnimatedFixtures.assumeTools();
        byte[] webp = Files.readAllBytes(AnimatedFixtures.panningWebp(dir));

        assertThat(WebpChunks.frames(webp)).isEqualTo(3);
        assertThat(new ImageProbe(50_000_000).probe(webp).frames()).isEqualTo(3);
    }

    @Test
    void frames_handBuiltAnimationWithOddSizedChunks_countsAnmfChunks() {
        byte[] webp = riff("VP8X", 10, "ICCP", 3, "ANIM", 6, "ANMF", 21, "ANMF", 22, "ANMF", 7, "EXIF", 5);

        assertThat(WebpChunks.frames(webp)).isEqualTo(3);
    }

    @Test
    void frames_stillLossyOrLossless_one() {
        assertThat(WebpChunks.frames(riff("VP8 ", 30))).isEqualTo(1);
        assertThat(WebpChunks.frames(riff("VP8X", 10, "VP8L", 25, "EXIF", 4))).isEqualTo(1);
    }

    @Test
    void frames_cutShortInAFrame_countsTheWholeOnes() {
        byte[] webp = riff("VP8X", 10, "ANIM", 6, "ANMF", 100, "ANMF", 100);

        assertThat(WebpChunks.frames(Arrays.copyOf(webp, webp.length - 50))).isEqualTo(1);
    }

    @Test
    void frames_chunkClaimingFourGigabytes_stopsWithoutOverflow() {
        byte[] webp = riff("VP8X", 10, "ANMF", 8);
        int at = 12 + 8 + 10 + 4;
        Arrays.fill(webp, at, at + 4, (byte) 0xff);

        assertThat(WebpChunks.frames(webp)).isZero();
        assertThat(WebpChunks.frames("RIFF....WAVE".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
    }
}
