package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;
import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ResizerTest {
    private static BufferedImage noise(int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextInt();
        }
        return img;
    }

    private static BufferedImage bilinear(BufferedImage src, int w, int h) {
        BufferedImage dst = new BufferedImage(w, h, src.getType());
        Graphics2D g = dst.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return dst;
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /** The fast halving must give the pixels the Java2D bilinear step it replaced gave. */
    @Test
    void halve_evenOpaqueNoise_samePixelsAsJava2dBilinear() throws Exception {
        BufferedImage src = noise(640, 426, BufferedImage.TYPE_INT_RGB);

        BufferedImage half = Resizer.halve(src, 320, 213, JobDeadline.after(Duration.ofMinutes(1)));

        assertThat(half.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
        assertThat(pixels(half)).containsExactly(pixels(bilinear(src, 320, 213)));
    }

    @Test
    void scale_subimageAndAlpha_stillScaledByJava2d() throws Exception {
        BufferedImage sub = noise(400, 300, BufferedImage.TYPE_INT_RGB).getSubimage(10, 10, 300, 200);
        BufferedImage argb = noise(400, 300, BufferedImage.TYPE_INT_ARGB);

        BufferedImage a = Resizer.scale(sub, 70, 47, JobDeadline.after(Duration.ofMinutes(1)));
        BufferedImage b = Resizer.scale(argb, 90, 67, JobDeadline.after(Duration.ofMinutes(1)));

        assertThat(a.getWidth()).isEqualTo(70);
        assertThat(a.getHeight()).isEqualTo(47);
        assertThat(b.getType()).isEqualTo(BufferedImage.TYPE_INT_ARGB);
        assertThat(b.getWidth()).isEqualTo(90);
    }

    @Test
    void scale_upscaleDrawnInBands_samePixelsAsOneDraw() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage src = new BufferedImage(401, 99, type);
            for (int y = 0; y < 99; y++) {
                for (int x = 0; x < 401; x++) {
                    src.setRGB(x, y, random.nextInt());
                }
            }
            // 4003 wide: bands of 261 rows, so four clipped draws.
            BufferedImage banded = Resizer.scale(src, 4003, 1001, JobDeadline.after(Duration.ofMinutes(1)));
            BufferedImage whole = new BufferedImage(4003, 1001, type);
            Graphics2D g = whole.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, 4003, 1001, null);
            g.dispose();

            assertThat(banded.getRGB(0, 0, 4003, 1001, null, 0, 4003)).isEqualTo(whole.getRGB(0, 0, 4003, 1001, null, 0, 4003));
        }
    }
}
