package io.imagefleet.worker.imaging;

import io.imagefleet.wire.Animation;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.FlipDirection;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
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
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Animated sources: the first frame by default ({@code "animation": "first"}); with
 * {@code "keep"}, an animated GIF or WebP output with every frame processed, each frame's duration
 * and the loop count kept, and GIF disposal and offsets composited as ImageMagick's
 * {@code -coalesce} does; the frame and pixel limits checked before any frame is decoded. The
 * files are made from a real photo by ImageMagick, gifsicle and img2webp; frames are compared
 * with ImageMagick's coalesced (and resized) frames, timing with gifsicle's and webpmux's reading.
 */
class AnimationTest {
    private static final NativeCodecs NATIVES = NativeTestSupport.NATIVES;
    private static final JobDeadline MINUTE = JobDeadline.after(Duration.ofMinutes(1));

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

    private static OutputSpec output(Format format, Animation animation, Op... ops) {
        return OutputSpec.of("a", List.of(ops), format, null, "file:///tmp/").withAnimation(animation);
    }

    private static List<String> decode(byte[] bytes, OutputSpec out, BufferedImage[] first) throws Exception {
        List<String> warnings = new ArrayList<>();
        first[0] = new ImageDecoder(NATIVES).decode(bytes, new ImageProbe(50_000_000, NATIVES).probe(bytes),
                new ImageDecoder.Request(1, false, true, MINUTE, warnings, SourceMetadata.keptBy(List.of(out))));
        return warnings;
    }

    private static Animator.Animated animate(Path source, OutputSpec out) throws Exception {
        return animate(Files.readAllBytes(source), out, new Animator(NATIVES, 50_000_000, 500));
    }

    private static Animator.Animated animate(byte[] bytes, OutputSpec out, Animator animator) throws Exception {
        return animator.encode(bytes, new ImageProbe(50_000_000, NATIVES).probe(bytes), out, true, MINUTE);
    }

    @Test
    void decode_animatedGif_isItsFirstFrame() throws Exception {
        BufferedImage[] img = new BufferedImage[1];

        List<String> warnings = decode(animatedGif(0xff0000, 0x00ff00, 0x0000ff), output(Format.PNG, Animation.FIRST), img);

        assertThat(warnings).isEmpty();
        assertThat(img[0].getRGB(8, 8) & 0xffffff).isEqualTo(0xff0000);
    }

    @Test
    void decode_animatedGifKeptInAFormatWithoutAnimation_saysTheOutputHasTheFirstFrame() throws Exception {
        BufferedImage[] img = new BufferedImage[1];

        List<String> warnings = decode(animatedGif(0xff0000, 0x00ff00, 0x0000ff), output(Format.PNG, Animation.KEEP), img);

        assertThat(warnings).singleElement().asString().contains("needs a gif or webp output").contains("a (png)");
        assertThat(img[0].getRGB(8, 8) & 0xffffff).isEqualTo(0xff0000);
    }

    @Test
    void decode_animatedGifKeptAsWebp_recordsTheFrameCountWithoutAWarning() throws Exception {
        OutputSpec out = output(Format.WEBP, Animation.KEEP);
        SourceMetadata kept = SourceMetadata.keptBy(List.of(out));
        byte[] gif = animatedGif(0xff0000, 0x00ff00, 0x0000ff);
        List<String> warnings = new ArrayList<>();

        new ImageDecoder(NATIVES).decode(gif, new ImageProbe(50_000_000, NATIVES).probe(gif),
                new ImageDecoder.Request(1, false, true, MINUTE, warnings, kept));

        assertThat(warnings).isEmpty();
        assertThat(kept.animationFrames()).isEqualTo(3);
        assertThat(new Animator(NATIVES, 50_000_000, 500).keeps(out, kept)).isTrue();
    }

    @Test
    void decode_stillGifKept_isNotAnimated() throws Exception {
        OutputSpec out = output(Format.GIF, Animation.KEEP);
        SourceMetadata kept = SourceMetadata.keptBy(List.of(out));
        byte[] gif = animatedGif(0xff0000);
        List<String> warnings = new ArrayList<>();

        new ImageDecoder(NATIVES).decode(gif, new ImageProbe(50_000_000, NATIVES).probe(gif),
                new ImageDecoder.Request(1, false, true, MINUTE, warnings, kept));

        assertThat(warnings).isEmpty();
        assertThat(new Animator(NATIVES, 50_000_000, 500).keeps(out, kept)).isFalse();
    }

    @Test
    void decode_animationOverTheFrameLimit_failsImageTooLargeBeforeDecoding() throws Exception {
        byte[] gif = animatedGif(0xff0000, 0x00ff00, 0x0000ff);
        OutputSpec out = output(Format.WEBP, Animation.KEEP);
        ImageDecoder decoder = new ImageDecoder(NATIVES, new Animator(NATIVES, 50_000_000, 2));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> decoder.decode(gif,
                new ImageProbe(50_000_000, NATIVES).probe(gif),
                new ImageDecoder.Request(1, false, true, MINUTE, new ArrayList<>(), SourceMetadata.keptBy(List.of(out)))));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).contains("has 3 frames").contains("limit is 2 (IMAGEFLEET_MAX_FRAMES)");
    }

    @Test
    void encode_animationOverThePixelLimitOverAllFrames_failsImageTooLargeWithTheNumbers() throws Exception {
        byte[] gif = animatedGif(0xff0000, 0x00ff00, 0x0000ff); // 3 frames of 16x16: 768 pixels

        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> animate(gif, output(Format.GIF, Animation.KEEP), new Animator(NATIVES, 700, 500)));

        assertThat(f.code()).isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
        assertThat(f.getMessage()).contains("3 frames of 16x16").contains("over all frames").contains("IMAGEFLEET_MAX_PIXELS");
    }

    @Test
    void encode_optimisedGifToWebp_everyFrameResizedWithItsTiming() throws Exception {
        AnimatedFixtures.assumeTools();
        NativeTestSupport.assumeWebpAnimation();
        Path gif = AnimatedFixtures.panningGif(dir);
        OutputSpec lossless = new OutputSpec("a", List.of(Op.Resize.inside(80, 80)), Format.WEBP, null, "file:///tmp/",
                null, true, null).withAnimation(Animation.KEEP);

        Animator.Animated a = animate(gif, lossless);

        Path webp = Files.write(dir.resolve("out.webp"), a.bytes());
        assertThat(a.frames()).isEqualTo(6);
        assertThat(List.of(a.width(), a.height())).containsExactly(80, 60);
        AnimatedFixtures.WebpInfo info = AnimatedFixtures.webpInfo(webp);
        assertThat(info.durations()).containsExactly(100, 200, 300, 400, 500, 600);
        assertThat(info.loopCount()).isZero();
        List<BufferedImage> frames = AnimatedFixtures.webpFrames(a.bytes(), new ArrayList<>());
        List<BufferedImage> reference = AnimatedFixtures.reference(gif, 80, 60);
        assertThat(frames).hasSize(6).hasSameSizeAs(reference);
        for (int i = 0; i < frames.size(); i++) {
            // Measured: at most 2.9 (our resampling against ImageMagick's)
            assertThat(AnimatedFixtures.difference(frames.get(i), reference.get(i))).as("frame %d", i).isLessThan(6);
        }
    }

    @Test
    void encode_gifWithOffsetsAndDisposal_framesAsImageMagickCoalescesThem() throws Exception {
        AnimatedFixtures.assumeTools();
        Path gif = AnimatedFixtures.spritesGif(dir);

        Animator.Animated a = animate(gif, output(Format.GIF, Animation.KEEP));

        Path out = Files.write(dir.resolve("out.gif"), a.bytes());
        AnimatedFixtures.GifInfo source = AnimatedFixtures.gifInfo(gif);
        AnimatedFixtures.GifInfo made = AnimatedFixtures.gifInfo(out);
        assertThat(made.delaysCs()).containsExactly(20, 15, 15, 25, 25).isEqualTo(source.delaysCs());
        assertThat(made.loop()).isEqualTo(source.loop());
        List<BufferedImage> reference = AnimatedFixtures.reference(gif, 0, 0);
        List<BufferedImage> ours = AnimatedFixtures.reference(out, 0, 0);
        assertThat(ours).hasSize(5).hasSameSizeAs(reference);
        for (int i = 0; i < ours.size(); i++) {
            // Measured: at most 1.4 (each frame gets a new palette)
            assertThat(AnimatedFixtures.difference(ours.get(i), reference.get(i))).as("frame %d", i).isLessThan(3);
        }
    }

    @Test
    void encode_gifToWebp_loopCountAsGif2webpReadsIt() throws Exception {
        AnimatedFixtures.assumeTools();
        NativeTestSupport.assumeWebpAnimation();
        Path gif = AnimatedFixtures.spritesGif(dir);
        Path theirs = dir.resolve("gif2webp.webp");
        AnimatedFixtures.run("gif2webp", gif.toString(), "-o", theirs.toString());

        Animator.Animated a = animate(gif, output(Format.WEBP, Animation.KEEP));

        AnimatedFixtures.WebpInfo ours = AnimatedFixtures.webpInfo(Files.write(dir.resolve("out.webp"), a.bytes()));
        AnimatedFixtures.WebpInfo reference = AnimatedFixtures.webpInfo(theirs);
        assertThat(ours.loopCount()).isEqualTo(reference.loopCount()).isEqualTo(2);
        assertThat(ours.durations()).isEqualTo(reference.durations());
    }

    @Test
    void gifFrames_delayZero_isShownFor100MillisecondsAsBrowsersAndGif2webpDo() throws Exception {
        List<Integer> durations = new ArrayList<>();

        AnimatedFixtures.gifFrames(animatedGif(0xff0000, 0x00ff00), durations); // ImageIO writes delay 0

        assertThat(durations).containsExactly(100, 100);
    }

    @Test
    void gifFrames_offsetsAndDisposal_matchImageMagick() throws Exception {
        AnimatedFixtures.assumeTools();
        Path gif = AnimatedFixtures.spritesGif(dir);
        List<Integer> durations = new ArrayList<>();

        List<BufferedImage> frames = AnimatedFixtures.gifFrames(Files.readAllBytes(gif), durations);

        List<BufferedImage> reference = AnimatedFixtures.reference(gif, 0, 0);
        assertThat(durations).containsExactly(200, 150, 150, 250, 250);
        assertThat(frames).hasSameSizeAs(reference);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(AnimatedFixtures.difference(frames.get(i), reference.get(i))).as("frame %d", i).isLessThan(0.5);
        }
    }

    @Test
    void encode_animatedWebpToWebp_keepsDurationsLoopsAndPixels() throws Exception {
        AnimatedFixtures.assumeTools();
        NativeTestSupport.assumeWebpAnimation();
        Path source = AnimatedFixtures.panningWebp(dir);

        Animator.Animated a = animate(source, output(Format.WEBP, Animation.KEEP, Op.Resize.inside(100, 100)));

        Path webp = Files.write(dir.resolve("out.webp"), a.bytes());
        AnimatedFixtures.WebpInfo info = AnimatedFixtures.webpInfo(webp);
        assertThat(info.durations()).containsExactly(100, 250, 70);
        assertThat(info.loopCount()).isEqualTo(3);
        List<BufferedImage> frames = AnimatedFixtures.webpFrames(a.bytes(), new ArrayList<>());
        List<BufferedImage> reference = AnimatedFixtures.reference(source, 100, 75);
        assertThat(frames).hasSize(3).hasSameSizeAs(reference);
        for (int i = 0; i < frames.size(); i++) {
            // Measured: at most 5.9 (lossy at quality 80, and our resampling against ImageMagick's)
            assertThat(AnimatedFixtures.difference(frames.get(i), reference.get(i))).as("frame %d", i).isLessThan(10);
        }
    }

    @Test
    void encode_animatedWebpToGif_keepsDelaysAndFlipsEveryFrame() throws Exception {
        AnimatedFixtures.assumeTools();
        NativeTestSupport.assumeWebpAnimation();
        Path source = AnimatedFixtures.panningWebp(dir);

        Animator.Animated a = animate(source, output(Format.GIF, Animation.KEEP, new Op.Flip(FlipDirection.HORIZONTAL)));

        Path gif = Files.write(dir.resolve("out.gif"), a.bytes());
        assertThat(AnimatedFixtures.gifInfo(gif).delaysCs()).containsExactly(10, 25, 7);
        assertThat(Arrays.asList(a.width(), a.height(), a.frames())).containsExactly(160, 120, 3);
        List<BufferedImage> reference = AnimatedFixtures.reference(source, 0, 0);
        List<BufferedImage> ours = AnimatedFixtures.reference(gif, 0, 0);
        for (int i = 0; i < ours.size(); i++) {
            assertThat(AnimatedFixtures.difference(ours.get(i), flipped(reference.get(i)))).as("frame %d", i).isLessThan(6);
        }
    }

    @Test
    void encode_truncatedAnimatedWebp_failsDecodeFailed() throws Exception {
        AnimatedFixtures.assumeTools();
        NativeTestSupport.assumeWebpAnimation();
        byte[] webp = Files.readAllBytes(AnimatedFixtures.panningWebp(dir));
        byte[] cut = Arrays.copyOf(webp, webp.length * 2 / 3);

        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> new Animator(NATIVES, 50_000_000, 500).encode(cut, new ProbeResult("webp", 160, 120, -1), output(Format.GIF,
                        Animation.KEEP), true, MINUTE));

        assertThat(f.code()).isEqualTo(ErrorCode.DECODE_FAILED);
        assertThat(f.getMessage()).contains("WebP");
    }

    private static BufferedImage flipped(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                out.setRGB(img.getWidth() - 1 - x, y, img.getRGB(x, y));
            }
        }
        return out;
    }
}
