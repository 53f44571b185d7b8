package io.imagefleet.worker.imaging;

import io.imagefleet.wire.Animation;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Animated sources become their first frame (the default, {@code "animation": "first"}); an
 * output asking to keep the animation gets the first frame too, and the result says so, until
 * the worker can write animations.
 */
class AnimationTest {
    @TempDir
    Path dir;

    static byte[] animatedGif(int... colours) throws Exception {
        ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            w.setOutput(ios);
            w.prepareWriteSequence(null);
            for (int c : colours) {
                w.writeToSequence(new IIOImage(TestImages.solid(16, 16, c), null, null), null);
            }
            w.endWriteSequence();
        } finally {
            w.dispose();
        }
        return out.toByteArray();
    }

    private static List<String> decode(byte[] bytes, Animation animation, BufferedImage[] first) throws Exception {
        OutputSpec out = OutputSpec.of("a", List.of(), Format.PNG, null, "file:///tmp/").withAnimation(animation);
        List<String> warnings = new ArrayList<>();
        first[0] = new ImageDecoder(NativeTestSupport.NATIVES).decode(bytes, new ImageProbe(50_000_000, NativeTestSupport.NATIVES).probe(bytes),
                new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30)), warnings,
                        SourceMetadata.keptBy(List.of(out))));
        return warnings;
    }

    @Test
    void decode_animatedGif_isItsFirstFrame() throws Exception {
        BufferedImage[] img = new BufferedImage[1];

        List<String> warnings = decode(animatedGif(0xff0000, 0x00ff00, 0x0000ff), Animation.FIRST, img);

        assertThat(warnings).isEmpty();
        assertThat(img[0].getRGB(8, 8) & 0xffffff).isEqualTo(0xff0000);
    }

    @Test
    void decode_animatedGifAskedToKeepTheAnimation_saysOnlyTheFirstFrameIsMade() throws Exception {
        BufferedImage[] img = new BufferedImage[1];

        List<String> warnings = decode(animatedGif(0xff0000, 0x00ff00, 0x0000ff), Animation.KEEP, img);

        assertThat(warnings).singleElement().asString().contains("not supported").contains("first of the 3 frames");
        assertThat(img[0].getRGB(8, 8) & 0xffffff).isEqualTo(0xff0000);
    }

    @Test
    void decode_stillGifAskedToKeepTheAnimation_hasNoWarning() throws Exception {
        assertThat(decode(animatedGif(0xff0000), Animation.KEEP, new BufferedImage[1])).isEmpty();
    }

    @Test
    void decode_animatedWebpAskedToKeepTheAnimation_saysOnlyTheFirstFrameIsMade() throws Exception {
        ExternalTools.assume("gif2webp", "webp");
        Path gif = Files.write(dir.resolve("a.gif"), animatedGif(0xff0000, 0x00ff00));
        Path webp = dir.resolve("a.webp");
        ExternalTools.run("gif2webp", "-lossy", gif.toString(), "-o", webp.toString());
        BufferedImage[] img = new BufferedImage[1];

        List<String> warnings = decode(Files.readAllBytes(webp), Animation.KEEP, img);

        assertThat(warnings).singleElement().asString().contains("animated webp");
        assertThat(TestImages.near(img[0].getRGB(8, 8), 0xff0000, 24)).isTrue();
    }
}
