package io.imagefleet.worker.imaging;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Images generated for tests, and the byte-level surgery some of them need (EXIF, ICC, CMYK). */
public final class TestImages {
    public static final int RED = 0xff0000;
    public static final int GREEN = 0x00ff00;
    public static final int BLUE = 0x0000ff;
    public static final int WHITE = 0xffffff;

    private TestImages() {
    }

    public static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    /** Four quadrants: top-left red, top-right green, bottom-left blue, bottom-right white. */
    public static BufferedImage quadrants(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(RED));
        g.fillRect(0, 0, w / 2, h / 2);
        g.setColor(new Color(GREEN));
        g.fillRect(w / 2, 0, w - w / 2, h / 2);
        g.setColor(new Color(BLUE));
        g.fillRect(0, h / 2, w / 2, h - h / 2);
        g.setColor(new Color(WHITE));
        g.fillRect(w / 2, h / 2, w - w / 2, h - h / 2);
        g.dispose();
        return img;
    }

    public static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }

    /** Whether two colours are within {@code tolerance} in each channel. */
    public static boolean near(int argb, int rgb, int tolerance) {
        return Math.abs(((argb >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= tolerance
                && Math.abs(((argb >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= tolerance
                && Math.abs((argb & 0xff) - (rgb & 0xff)) <= tolerance;
    }

    /** A JPEG whose APP1 Exif segment (after APP0) records the orientation, in big- or little-endian TIFF. */
    public static byte[] jpegWithOrientation(BufferedImage img, int orientation, boolean littleEndian) throws IOException {
        byte[] payload = concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), exifOrientation(orientation, littleEndian));
        return insertJpegSegment(encode(img, "jpeg"), 0xe1, payload);
    }

    /** A PNG with an eXIf chunk (after IHDR) recording the orientation. */
    public static byte[] pngWithOrientation(BufferedImage img, int orientation) throws IOException {
        return insertPngChunk(encode(img, "png"), 33, "eXIf", exifOrientation(orientation, false));
    }

    /** A TIFF structure whose IFD0 holds only the orientation tag. */
    static byte[] exifOrientation(int orientation, boolean littleEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        tiff.put((byte) (littleEndian ? 'I' : 'M')).put((byte) (littleEndian ? 'I' : 'M')).putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        return tiff.array();
    }

    /** A JPEG with the profile embedded as an APP2 ICC_PROFILE segment (the pixels are taken to be in that space). */
    public static byte[] jpegWithProfile(BufferedImage img, ICC_Profile profile) throws IOException {
        byte[] payload = concat("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1), new byte[] {1, 1}, profile.getData());
        return insertJpegSegment(encode(img, "jpeg"), 0xe2, payload);
    }

    /** A JPEG with an XMP packet (APP1) that declares an external entity. */
    public static byte[] jpegWithXmp(BufferedImage img, String xml) throws IOException {
        byte[] payload = concat("http://ns.adobe.com/xap/1.0/\0".getBytes(StandardCharsets.ISO_8859_1),
                xml.getBytes(StandardCharsets.UTF_8));
        return insertJpegSegment(encode(img, "jpeg"), 0xe1, payload);
    }

    /** A PNG with the profile as an iCCP chunk after IHDR. */
    public static byte[] pngWithProfile(BufferedImage img, ICC_Profile profile) throws IOException {
        return pngWithRawProfile(img, profile.getData());
    }

    /** A PNG with these bytes (a profile or not) deflated into an iCCP chunk after IHDR. */
    public static byte[] pngWithRawProfile(BufferedImage img, byte[] profile) throws IOException {
        byte[] png = encode(img, "png");
        Deflater d = new Deflater();
        d.setInput(profile);
        d.finish();
        byte[] buf = new byte[profile.length + 1024];
        int n = d.deflate(buf);
        d.end();
        byte[] data = concat("test profile\0\0".getBytes(StandardCharsets.ISO_8859_1), java.util.Arrays.copyOf(buf, n));
        return insertPngChunk(png, 33, "iCCP", data); // 8 signature + 25 IHDR
    }

    /** A PNG of a few dozen bytes whose header says it is w x h, with no real pixel data. */
    public static byte[] pngDeclaring(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        return concat(sig, chunk("IHDR", ihdr.array()), chunk("IDAT", new byte[] {0x78, (byte) 0x9c, 3, 0, 0, 0, 0, 1}),
                chunk("IEND", new byte[0]));
    }

    /**
     * A 4-channel JPEG of one ink colour: plain CMYK (Adobe transform 0) or YCCK (transform 2),
     * stored the Adobe way (inverted).
     *
     * @param cmyk ink amounts 0-255
     */
    public static byte[] cmykJpeg(int w, int h, int[] cmyk, boolean ycck) throws IOException {
        int[] stored = {255 - cmyk[0], 255 - cmyk[1], 255 - cmyk[2], 255 - cmyk[3]};
        int[] sample = stored;
        if (ycck) {
            // YCCK: the inverted C, M, Y are taken as R, G, B and turned into Y, Cb, Cr; K stays.
            double r = 255 - stored[0];
            double g = 255 - stored[1];
            double b = 255 - stored[2];
            sample = new int[] {clamp(0.299 * r + 0.587 * g + 0.114 * b),
                clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
                clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b), stored[3]};
        }
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                raster.setPixel(x, y, sample);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            ComponentColorModel cm = new ComponentColorModel(new NoSpace(), false, false, 1, DataBuffer.TYPE_BYTE);
            IIOMetadata md = writer.getDefaultImageMetadata(new ImageTypeSpecifier(cm, raster.getSampleModel()), param);
            IIOMetadataNode root = (IIOMetadataNode) md.getAsTree("javax_imageio_jpeg_image_1.0");
            ((IIOMetadataNode) root.getElementsByTagName("app14Adobe").item(0)).setAttribute("transform", ycck ? "2" : "0");
            md.setFromTree("javax_imageio_jpeg_image_1.0", root);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(raster, null, md), param);
            }
            return out.toByteArray();
        } finally {
            writer.dispose();
        }
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static byte[] insertJpegSegment(byte[] jpeg, int marker, byte[] payload) {
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
            at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff)); // after JFIF APP0
        }
        int len = payload.length + 2;
        byte[] head = {(byte) 0xff, (byte) marker, (byte) (len >> 8), (byte) len};
        return concat(java.util.Arrays.copyOf(jpeg, at), head, payload, java.util.Arrays.copyOfRange(jpeg, at, jpeg.length));
    }

    private static byte[] insertPngChunk(byte[] png, int at, String type, byte[] data) {
        return concat(java.util.Arrays.copyOf(png, at), chunk(type, data), java.util.Arrays.copyOfRange(png, at, png.length));
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue()).array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A 4-component colour space used only to describe a CMYK raster to the JPEG writer. */
    private static final class NoSpace extends ColorSpace {
        private static final long serialVersionUID = 1L;

        NoSpace() {
            super(ColorSpace.TYPE_CMYK, 4);
        }

        @Override
        public float[] toRGB(float[] v) {
            return new float[3];
        }

        @Override
        public float[] fromRGB(float[] v) {
            return new float[4];
        }

        @Override
        public float[] toCIEXYZ(float[] v) {
            return new float[3];
        }

        @Override
        public float[] fromCIEXYZ(float[] v) {
            return new float[4];
        }
    }
}
