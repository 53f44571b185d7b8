package io.imagefleet.worker.imaging;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A photo-like JPEG made in memory, for running the pipeline on a source no user sent (a spare
 * worker JVM's warm-up): a sky and a ground in smooth gradients, a few shaded discs, and film
 * grain, so that its entropy and its size per pixel are a camera photo's (0.3 bytes a pixel at
 * quality 90), with 4:2:0 chroma like a camera's, behind an EXIF block (make, model,
 * orientation) that the probe parses as it would a camera's. The same size always gives the
 * same bytes. Immutable and thread-safe.
 */
public final class SamplePhoto {
    private static final float QUALITY = 0.9f;
    /** TIFF field types. */
    private static final short ASCII = 2;
    private static final short SHORT = 3;
    /** TIFF tags. */
    private static final short MAKE = 0x010f;
    private static final short MODEL = 0x0110;
    private static final short ORIENTATION = 0x0112;

    /** The encoded pixels, without the EXIF block. */
    private final byte[] jpeg;

    private SamplePhoto(byte[] jpeg) {
        this.jpeg = jpeg;
    }

    /** A {@code width} x {@code height} photo, painted and encoded once for every orientation asked of it. */
    public static SamplePhoto of(int width, int height) {
        if (width < 16 || height < 16) {
            throw new IllegalArgumentException("a sample photo is at least 16x16, got " + width + "x" + height);
        }
        return new SamplePhoto(encode(paint(width, height)));
    }

    /**
     * The photo as a JPEG file whose EXIF orientation is {@code orientation} (1-8; 6 is a phone
     * held upright, which the pipeline turns a quarter). A new array each time.
     */
    public byte[] jpeg(int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("an EXIF orientation is 1-8, got " + orientation);
        }
        return withExif(jpeg, orientation);
    }

    private static BufferedImage paint(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int horizon = h * 3 / 5;
        // x, y, radius, colour: a sun, a red roof and a tree, say.
        int[][] discs = {{w / 4, horizon - h / 8, h / 6, 0xc8502a}, {w * 2 / 3, horizon + h / 10, h / 5, 0x3c6e3a},
                {w * 5 / 6, h / 5, h / 12, 0xf4e6a0}};
        long seed = 0x9e3779b97f4a7c15L;
        for (int y = 0; y < h; y++) {
            boolean sky = y < horizon;
            // Sky: deep blue at the top to pale at the horizon; ground: olive to brown toward the bottom.
            float t = sky ? (float) y / horizon : (float) (y - horizon) / (h - horizon);
            int base = lerp(sky ? 40 : 96, sky ? 190 : 120, t) << 16 | lerp(sky ? 90 : 110, sky ? 210 : 80, t) << 8
                    | lerp(sky ? 170 : 40, sky ? 235 : 50, t);
            int row = y * w;
            java.util.Arrays.fill(px, row, row + w, base);
            for (int[] d : discs) {
                int dy = y - d[1];
                if (Math.abs(dy) < d[2]) {
                    int half = (int) Math.sqrt((double) d[2] * d[2] - (double) dy * dy);
                    for (int x = Math.max(0, d[0] - half); x < Math.min(w, d[0] + half); x++) {
                        // Lit from the top left: brighter where the offset points that way.
                        px[row + x] = shade(d[3], 24 * -(x - d[0] + dy) / d[2]);
                    }
                }
            }
            int grain = sky ? 6 : 28;
            for (int i = row; i < row + w; i++) {
                seed ^= seed << 13;
                seed ^= seed >>> 7;
                seed ^= seed << 17;
                int n = (int) ((seed & 0xff) * (2 * grain + 1) >> 8) - grain;
                px[i] = shade(px[i], n) ^ (int) (seed >>> 8 & 0x300);
            }
        }
        return img;
    }

    /** The colour with {@code by} added to each channel, clamped. */
    private static int shade(int rgb, int by) {
        return clamp((rgb >> 16 & 0xff) + by) << 16 | clamp((rgb >> 8 & 0xff) + by) << 8 | clamp((rgb & 0xff) + by);
    }

    private static int lerp(int a, int b, float t) {
        return Math.round(a + (b - a) * t);
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }

    private static byte[] encode(BufferedImage img) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(img.getWidth() * img.getHeight() / 2);
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sample photo in memory", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The JPEG with an APP1 Exif segment after its APP0 (JFIF) segment, where a camera's would be. */
    static byte[] withExif(byte[] jpeg, int orientation) {
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
            at = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
        }
        byte[] tiff = tiff(orientation);
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 4 + 6 + tiff.length);
        out.put(jpeg, 0, at);
        out.put((byte) 0xff).put((byte) 0xe1).putShort((short) (2 + 6 + tiff.length));
        out.put("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1)).put(tiff);
        out.put(jpeg, at, jpeg.length - at);
        return out.array();
    }

    /** A big-endian TIFF structure whose IFD0 holds a make, a model and the orientation. */
    private static byte[] tiff(int orientation) {
        byte[] make = "imagefleet\0".getBytes(StandardCharsets.US_ASCII);
        byte[] model = "sample photo\0".getBytes(StandardCharsets.US_ASCII);
        int entries = 3;
        int values = 8 + 2 + entries * 12 + 4;
        ByteBuffer b = ByteBuffer.allocate(values + make.length + model.length);
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        b.putShort((short) entries);
        b.putShort(MAKE).putShort(ASCII).putInt(make.length).putInt(values);
        b.putShort(MODEL).putShort(ASCII).putInt(model.length).putInt(values + make.length);
        b.putShort(ORIENTATION).putShort(SHORT).putInt(1).putShort((short) orientation).putShort((short) 0);
        b.putInt(0);
        b.put(make).put(model);
        return b.array();
    }
}
