package io.imagefleet.worker.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Puts kept metadata (an ICC profile, an EXIF TIFF structure) into encoded JPEG, PNG and WebP
 * files, in the places their specifications give: JPEG APP2 {@code ICC_PROFILE} segments (as
 * many as it takes) and an APP1 {@code Exif} segment after the JFIF header; PNG {@code iCCP}
 * and {@code eXIf} chunks after IHDR; WebP {@code ICCP} and {@code EXIF} chunks in the extended
 * format ({@code VP8X}, made when the encoder wrote a simple file). Either may be null. Stateless.
 */
final class MetadataWriter {
    private static final int ICC_CHUNK = 65_519; // 65535 - 2 (length) - 12 ("ICC_PROFILE\0") - 2 (sequence, count)
    private static final int VP8X_ICC = 0x20;
    private static final int VP8X_ALPHA = 0x10;
    private static final int VP8X_EXIF = 0x08;

    private MetadataWriter() {
    }

    static byte[] jpeg(byte[] jpeg, byte[] icc, byte[] exif) {
        ByteArrayOutputStream segments = new ByteArrayOutputStream();
        if (exif != null) {
            segment(segments, 0xe1, concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), exif));
        }
        if (icc != null) {
            int count = (icc.length + ICC_CHUNK - 1) / ICC_CHUNK;
            for (int i = 0; i < count; i++) {
                int from = i * ICC_CHUNK;
                byte[] part = java.util.Arrays.copyOfRange(icc, from, Math.min(icc.length, from + ICC_CHUNK));
                segment(segments, 0xe2, concat("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1),
                        new byte[] {(byte) (i + 1), (byte) count}, part));
            }
        }
        int at = 2;
        if ((jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
            at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff)); // after the JFIF APP0
        }
        return concat(java.util.Arrays.copyOf(jpeg, at), segments.toByteArray(), java.util.Arrays.copyOfRange(jpeg, at, jpeg.length));
    }

    static byte[] png(byte[] png, byte[] icc, byte[] exif) {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        if (icc != null) {
            chunks.writeBytes(pngChunk("iCCP", concat("ICC profile\0\0".getBytes(StandardCharsets.ISO_8859_1), deflate(icc))));
        }
        if (exif != null) {
            chunks.writeBytes(pngChunk("eXIf", exif));
        }
        int at = 33; // the signature and IHDR
        return concat(java.util.Arrays.copyOf(png, at), chunks.toByteArray(), java.util.Arrays.copyOfRange(png, at, png.length));
    }

    static byte[] webp(byte[] webp, byte[] icc, byte[] exif, int width, int height, boolean alpha) {
        if (icc == null && exif == null) {
            return webp;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        int flags = (icc != null ? VP8X_ICC : 0) | (exif != null ? VP8X_EXIF : 0);
        int rest = 12;
        if (fourcc(webp, 12).equals("VP8X")) {
            flags |= webp[20] & 0xff;
            rest = 12 + 8 + 10;
        } else if (alpha) {
            flags |= VP8X_ALPHA;
        }
        ByteBuffer vp8x = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        vp8x.put((byte) flags).put(new byte[3]);
        put24(vp8x, width - 1);
        put24(vp8x, height - 1);
        body.writeBytes(riffChunk("VP8X", vp8x.array()));
        if (icc != null) {
            body.writeBytes(riffChunk("ICCP", icc));
        }
        body.write(webp, rest, webp.length - rest);
        if (exif != null) {
            body.writeBytes(riffChunk("EXIF", exif));
        }
        byte[] b = body.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(8 + b.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.ISO_8859_1)).putInt(b.length).put(b);
        return out.array();
    }

    private static void put24(ByteBuffer b, int v) {
        b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
    }

    private static byte[] riffChunk(String type, byte[] data) {
        int padded = data.length + (data.length & 1);
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(type.getBytes(StandardCharsets.ISO_8859_1)).putInt(data.length).put(data);
        return b.array();
    }

    private static String fourcc(byte[] b, int at) {
        return b.length < at + 4 ? "" : new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] payload) {
        int len = payload.length + 2;
        out.writeBytes(new byte[] {(byte) 0xff, (byte) marker, (byte) (len >> 8), (byte) len});
        out.writeBytes(payload);
    }

    private static byte[] pngChunk(String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue()).array();
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
