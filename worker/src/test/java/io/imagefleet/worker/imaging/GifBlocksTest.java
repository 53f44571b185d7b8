package io.imagefleet.worker.imaging;

import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class GifBlocksTest {
    /** An animated GIF of {@code frames} frames of noise, written by the JDK (a local colour table and a graphic control extension each). */
    static byte[] animatedGif(int frames, int width, int height) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            java.util.Random random = new java.util.Random(frames);
            for (int f = 0; f < frames; f++) {
                BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        frame.setRGB(x, y, random.nextInt(0x1000000));
                    }
                }
                writer.writeToSequence(new IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @Test
    void frames_animatedGif_countsEveryImageDescriptor() throws Exception {
        byte[] gif = animatedGif(7, 40, 30);

        assertThat(GifBlocks.frames(gif)).isEqualTo(7);
    }

    @Test
    void frames_stillGif_one() throws Exception {
        byte[] gif = TestImages.encode(TestImages.solid(30, 20, TestImages.RED), "gif");

        assertThat(GifBlocks.frames(gif)).isEqualTo(1);
    }

    @Test
    void frames_cutShortInTheLastFrame_countsTheCompleteOnes() throws Exception {
        byte[] gif = animatedGif(5, 40, 30);

        assertThat(GifBlocks.frames(Arrays.copyOf(gif, gif.length - 200))).isEqualTo(4);
    }

    @Test
    void frames_handBuiltWithGlobalTableCommentAndLoopExtensions_skipsThem() {
        byte[] gif = {
                'G', 'I', 'F', '8', '9', 'a', 2, 0, 1, 0, (byte) 0x80, 0, 0, // 2x1 screen, a global table of 2 colours
                0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                0x21, (byte) 0xff, 11, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0', 3, 1, 0, 0, 0, // loop for ever
                0x21, (byte) 0xfe, 3, 'h', 'i', '!', 2, (byte) 0x2c, (byte) 0x3b, 0, // a comment holding 0x2c and 0x3b
                0x2c, 0, 0, 0, 0, 2, 0, 1, 0, (byte) 0x80, 1, 2, 3, 4, 5, 6, // a frame with a local table of 2 colours
                2, 2, 0x44, 0x01, 0,
                0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, // a frame without one
                0x3b};

        assertThat(GifBlocks.frames(gif)).isEqualTo(2);
    }

    @Test
    void frames_notAGif_minusOne() throws Exception {
        assertThat(GifBlocks.frames(TestImages.encode(TestImages.solid(3, 2, TestImages.RED), "png"))).isEqualTo(-1);
        assertThat(GifBlocks.frames(new byte[]{'G', 'I', 'F'})).isEqualTo(-1);
    }

    @Test
    void frames_garbageAfterTheHeader_countsNothingAndStops() {
        byte[] gif = Arrays.copyOf(new byte[]{'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0}, 10_000);
        Arrays.fill(gif, 13, gif.length, (byte) 0x55);

        assertThat(GifBlocks.frames(gif)).isZero();
    }
}
