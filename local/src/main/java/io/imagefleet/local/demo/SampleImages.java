package io.imagefleet.local.demo;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Generates photo-like JPEGs: a sky-to-ground gradient, overlapping soft shapes, fine lines and
 * per-pixel noise, so the decoder works as hard as it does on real photos (flat colour would
 * compress to almost nothing and decode far faster). Deterministic for a given seed.
 */
public final class SampleImages {
    private SampleImages() {
    }

    /**
     * Writes {@code count} JPEGs of between {@code minMp} and {@code maxMp} megapixels (3:2 or 4:3)
     * to {@code dir} and returns their paths.
     */
    public static List<Path> generate(Path dir, int count, double minMp, double maxMp, long seed) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(seed);
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double mp = minMp + random.nextDouble() * (maxMp - minMp);
            double aspect = random.nextBoolean() ? 1.5 : 4.0 / 3.0;
            int w = (int) Math.round(Math.sqrt(mp * 1e6 * aspect));
            int h = (int) Math.round(w / aspect);
            if (random.nextInt(4) == 0) {
                int t = w;
                w = h;
                h = t;
            }
            Path file = dir.resolve(String.format("sample-%03d.jpg", i + 1));
            write(paint(w, h, random.nextLong()), file);
            out.add(file);
        }
        return out;
    }

    static BufferedImage paint(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Color sky = Color.getHSBColor(0.5f + r.nextFloat() * 0.15f, 0.3f + r.nextFloat() * 0.4f, 0.7f + r.nextFloat() * 0.3f);
            Color ground = Color.getHSBColor(0.05f + r.nextFloat() * 0.3f, 0.4f + r.nextFloat() * 0.5f, 0.2f + r.nextFloat() * 0.5f);
            g.setPaint(new GradientPaint(0, 0, sky, 0, h, ground));
            g.fillRect(0, 0, w, h);
            int shapes = 30 + r.nextInt(40);
            for (int i = 0; i < shapes; i++) {
                float size = (0.03f + r.nextFloat() * 0.3f) * Math.min(w, h);
                Color c = Color.getHSBColor(r.nextFloat(), r.nextFloat(), r.nextFloat());
                g.setPaint(new GradientPaint(0, 0, new Color(c.getRed(), c.getGreen(), c.getBlue(), 200),
                        size, size, new Color(255 - c.getRed(), c.getGreen(), 255 - c.getBlue(), 60), true));
                g.fill(new Ellipse2D.Float(r.nextFloat() * w - size / 2, r.nextFloat() * h - size / 2, size,
                        size * (0.5f + r.nextFloat())));
            }
            g.setStroke(new BasicStroke(Math.max(1, Math.min(w, h) / 800f)));
            for (int i = 0; i < 400; i++) {
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 90));
                int x = r.nextInt(w);
                int y = r.nextInt(h);
                g.drawLine(x, y, x + r.nextInt(200) - 100, y + r.nextInt(200) - 100);
            }
        } finally {
            g.dispose();
        }
        // Sensor-like noise on every pixel: the detail that makes a JPEG decode cost what a photo's does.
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        SplittableRandom noise = new SplittableRandom(seed);
        for (int i = 0; i < px.length; i++) {
            int n = noise.nextInt(25) - 12;
            int p = px[i];
            px[i] = clamp(((p >> 16) & 0xff) + n) << 16 | clamp(((p >> 8) & 0xff) + n) << 8 | clamp((p & 0xff) + n);
        }
        return img;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    private static void write(BufferedImage img, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
    }
}
