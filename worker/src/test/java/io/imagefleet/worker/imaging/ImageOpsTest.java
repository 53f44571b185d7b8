package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Fit;
import io.imagefleet.wire.FlipDirection;
import io.imagefleet.wire.Gravity;
import io.imagefleet.wire.Op;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;

import static io.imagefleet.worker.imaging.TestImages.BLUE;
import static io.imagefleet.worker.imaging.TestImages.GREEN;
import static io.imagefleet.worker.imaging.TestImages.RED;
import static io.imagefleet.worker.imaging.TestImages.WHITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ImageOpsTest {
    private final ImageOps ops = new ImageOps();

    private BufferedImage apply(BufferedImage img, Op... list) throws JobFailure {
        return ops.apply(img, List.of(list), new Geometry.Size(img.getWidth(), img.getHeight()),
                JobDeadline.after(Duration.ofSeconds(30)));
    }

    private static int at(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }

    @ParameterizedTest(name = "{2} {0}x{1} on 400x200")
    @CsvSource({
        "100, 100, INSIDE, 100, 50", "100, 100, COVER, 200, 100", "100, 100, FILL, 100, 100", "100, 100, EXACT, 100, 100",
        "100, , INSIDE, 100, 50", ", 50, INSIDE, 100, 50", "800, 800, INSIDE, 400, 200", "300, 300, COVER, 400, 200"})
    void resize_fitModes_giveTheirSizes(Integer w, Integer h, Fit fit, int ew, int eh) throws Exception {
        BufferedImage out = apply(TestImages.quadrants(400, 200), new Op.Resize(w, h, fit, null, null));

        assertThat(out.getWidth()).isEqualTo(ew);
        assertThat(out.getHeight()).isEqualTo(eh);
    }

    @Test
    void resize_upscaleAsked_enlarges() throws Exception {
        BufferedImage out = apply(TestImages.quadrants(40, 20), new Op.Resize(80, 80, Fit.INSIDE, null, true));

        assertThat(out.getWidth()).isEqualTo(80);
        assertThat(out.getHeight()).isEqualTo(40);
        assertThat(at(out, 5, 5)).isEqualTo(RED);
    }

    @Test
    void resize_insideKeepsTheQuadrants() throws Exception {
        BufferedImage out = apply(TestImages.quadrants(400, 200), Op.Resize.inside(100, 100));

        assertThat(TestImages.near(out.getRGB(10, 10), RED, 2)).isTrue();
        assertThat(TestImages.near(out.getRGB(90, 10), GREEN, 2)).isTrue();
        assertThat(TestImages.near(out.getRGB(10, 40), BLUE, 2)).isTrue();
        assertThat(TestImages.near(out.getRGB(90, 40), WHITE, 2)).isTrue();
    }

    @Test
    void resize_fineCheckerboard_averagesToGreyNotAliasing() throws Exception {
        BufferedImage checker = new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 512; y++) {
            for (int x = 0; x < 512; x++) {
                checker.setRGB(x, y, ((x + y) & 1) == 0 ? 0xffffff : 0);
            }
        }

        BufferedImage out = apply(checker, Op.Resize.inside(64, 64));

        // Nearest neighbour would give pure black or white; a filtered downscale gives mid grey.
        for (int y = 4; y < 60; y += 7) {
            for (int x = 4; x < 60; x += 7) {
                assertThat(out.getRGB(x, y) & 0xff).as("%d,%d", x, y).isBetween(100, 156);
            }
        }
    }

    @Test
    void resize_fillWithGravity_keepsThatSide() throws Exception {
        BufferedImage tall = TestImages.quadrants(100, 400); // top half red/green, bottom half blue/white

        BufferedImage north = apply(tall, new Op.Resize(50, 50, Fit.FILL, Gravity.NORTH, null));
        BufferedImage south = apply(tall, new Op.Resize(50, 50, Fit.FILL, Gravity.SOUTH, null));

        assertThat(north.getWidth()).isEqualTo(50);
        assertThat(north.getHeight()).isEqualTo(50);
        assertThat(TestImages.near(north.getRGB(5, 25), RED, 2)).isTrue();
        assertThat(TestImages.near(south.getRGB(5, 25), BLUE, 2)).isTrue();
    }

    @Test
    void resize_onASubsampledDecode_landsOnTheSourceSize() throws Exception {
        // A 4001x3000 source decoded at 1/7 is 572x429, whose own aspect would round to 256x192
        // differently from the source's; the output must be what the source gives.
        BufferedImage decoded = TestImages.quadrants(572, 429);

        BufferedImage out = ops.apply(decoded, List.of(Op.Resize.inside(300, 300)), new Geometry.Size(4001, 2999),
                JobDeadline.after(Duration.ofSeconds(30)));

        assertThat(out.getWidth()).isEqualTo(300);
        assertThat(out.getHeight()).isEqualTo(Geometry.scaledSize(4001, 2999, Op.Resize.inside(300, 300)).height());
    }

    @Test
    void crop_box_cutsThoseExactPixels() throws Exception {
        BufferedImage src = TestImages.quadrants(100, 100);

        BufferedImage out = apply(src, new Op.Crop(40, 40, 20, 20, null));

        assertThat(out.getWidth()).isEqualTo(20);
        assertThat(at(out, 0, 0)).isEqualTo(RED);
        assertThat(at(out, 19, 0)).isEqualTo(GREEN);
        assertThat(at(out, 0, 19)).isEqualTo(BLUE);
        assertThat(at(out, 19, 19)).isEqualTo(WHITE);
    }

    @Test
    void crop_sizeWithGravity_placesTheBox() throws Exception {
        BufferedImage out = apply(TestImages.quadrants(100, 100), new Op.Crop(null, null, 30, 30, Gravity.SOUTHEAST));

        assertThat(out.getWidth()).isEqualTo(30);
        assertThat(at(out, 0, 0)).isEqualTo(WHITE);
        assertThat(at(out, 29, 29)).isEqualTo(WHITE);
    }

    @Test
    void crop_outsideTheImage_failsWithTheNumbers() {
        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> apply(TestImages.quadrants(100, 50), new Op.Crop(80, 0, 40, 10, null)));

        assertThat(f.code()).isEqualTo(ErrorCode.PROCESS_FAILED);
        assertThat(f.getMessage()).isEqualTo("ops[0]: crop 40x10 at 80,0 lies outside the 100x50 image");
    }

    @Test
    void crop_atMaxCoordinates_failsWithTheNumbersNotOverflow() {
        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> apply(TestImages.quadrants(100, 50), new Op.Crop(Integer.MAX_VALUE, 0, 10, 10, null)));

        assertThat(f.code()).isEqualTo(ErrorCode.PROCESS_FAILED);
        assertThat(f.getMessage()).isEqualTo("ops[0]: crop 10x10 at 2147483647,0 lies outside the 100x50 image");
    }

    @ParameterizedTest(name = "rotate {0}")
    @CsvSource({
        "90, 32, 64, 0000ff, ff0000, ffffff, 00ff00",
        "180, 64, 32, ffffff, 0000ff, 00ff00, ff0000",
        "270, 32, 64, 00ff00, ffffff, ff0000, 0000ff"})
    void rotate_quarterTurnsClockwise(int degrees, int w, int h, String tl, String tr, String bl, String br) throws Exception {
        BufferedImage out = apply(TestImages.quadrants(64, 32), new Op.Rotate(degrees));

        assertThat(out.getWidth()).isEqualTo(w);
        assertThat(out.getHeight()).isEqualTo(h);
        assertThat(at(out, 0, 0)).isEqualTo(Integer.parseInt(tl, 16));
        assertThat(at(out, w - 1, 0)).isEqualTo(Integer.parseInt(tr, 16));
        assertThat(at(out, 0, h - 1)).isEqualTo(Integer.parseInt(bl, 16));
        assertThat(at(out, w - 1, h - 1)).isEqualTo(Integer.parseInt(br, 16));
    }

    @Test
    void flip_mirrorsEachWay() throws Exception {
        BufferedImage h = apply(TestImages.quadrants(64, 32), new Op.Flip(FlipDirection.HORIZONTAL));
        BufferedImage v = apply(TestImages.quadrants(64, 32), new Op.Flip(FlipDirection.VERTICAL));

        assertThat(at(h, 0, 0)).isEqualTo(GREEN);
        assertThat(at(h, 63, 31)).isEqualTo(BLUE);
        assertThat(at(v, 0, 0)).isEqualTo(BLUE);
        assertThat(at(v, 63, 31)).isEqualTo(GREEN);
    }

    @Test
    void grayscale_usesRec709Luma() throws Exception {
        BufferedImage out = apply(TestImages.quadrants(64, 32), new Op.Grayscale());

        assertThat(at(out, 0, 0)).isEqualTo(0x363636);   // red: 0.2126 * 255 = 54
        assertThat(at(out, 63, 0)).isEqualTo(0xb6b6b6);  // green: 0.7152 * 255 = 182
        assertThat(at(out, 0, 31)).isEqualTo(0x121212);  // blue: 0.0722 * 255 = 18
        assertThat(at(out, 63, 31)).isEqualTo(WHITE);
    }

    @Test
    void blur_spreadsAPointAndLeavesFlatAreasAndEdgesAlone() throws Exception {
        BufferedImage img = TestImages.solid(41, 41, 0);
        img.setRGB(20, 20, WHITE);
        BufferedImage flat = TestImages.solid(20, 20, 0x808080);

        BufferedImage out = apply(img, new Op.Blur(2.0));
        BufferedImage flatOut = apply(flat, new Op.Blur(2.0));

        assertThat(out.getRGB(20, 20) & 0xff).isBetween(5, 40);
        assertThat(out.getRGB(22, 20) & 0xff).isGreaterThan(0);
        assertThat(out.getRGB(0, 0) & 0xff).isZero();
        assertThat(at(flatOut, 0, 0)).as("no dark border").isEqualTo(0x808080);
        assertThat(at(flatOut, 19, 19)).isEqualTo(0x808080);
    }

    @Test
    void sharpen_increasesContrastAtAnEdge() throws Exception {
        BufferedImage edge = new BufferedImage(40, 10, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 40; x++) {
                edge.setRGB(x, y, x < 20 ? 0x606060 : 0xa0a0a0);
            }
        }

        BufferedImage out = apply(edge, new Op.Sharpen(1.0));

        assertThat(out.getRGB(19, 5) & 0xff).isLessThan(0x60);
        assertThat(out.getRGB(20, 5) & 0xff).isGreaterThan(0xa0);
        assertThat(out.getRGB(2, 5) & 0xff).isEqualTo(0x60);
    }

    @Test
    void apply_opsInOrder_cropThenRotate() throws Exception {
        BufferedImage out = apply(TestImages.quadrants(100, 100), new Op.Crop(0, 0, 50, 20, null), new Op.Rotate(90));

        assertThat(out.getWidth()).isEqualTo(20);
        assertThat(out.getHeight()).isEqualTo(50);
        assertThat(at(out, 0, 0)).isEqualTo(RED);
    }

    @Test
    void apply_pastTheDeadline_failsTimeoutNamingTheOp() {
        JobFailure f = catchThrowableOfType(JobFailure.class, () -> ops.apply(TestImages.quadrants(64, 64),
                List.of(new Op.Grayscale()), new Geometry.Size(64, 64), JobDeadline.after(Duration.ZERO)));

        assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(f.getMessage()).contains("ops[0] (grayscale)");
    }
}
