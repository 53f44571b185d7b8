package io.imagefleet.worker.imaging;

/**
 * Counts the frames of a WebP by walking its RIFF chunks (each says its length, padded to an
 * even byte): an animated WebP has one {@code ANMF} chunk a frame, a still one a single
 * {@code VP8 } or {@code VP8L} bitstream. Nothing is decoded or allocated; each step skips a
 * whole chunk, so the work is bounded by the file's length. A file cut short counts the frames
 * whose chunks it holds in full. Stateless.
 */
final class WebpChunks {
    private static final int RIFF_HEADER = 12;
    private static final int CHUNK_HEADER = 8;

    private WebpChunks() {
    }

    /** The frames of a WebP, or -1 when the bytes are not a RIFF WebP. */
    static int frames(byte[] webp) {
        if (webp.length < RIFF_HEADER || !fourcc(webp, 0, "RIFF") || !fourcc(webp, 8, "WEBP")) {
            return -1;
        }
        long at = RIFF_HEADER;
        int frames = 0;
        boolean still = false;
        while (at + CHUNK_HEADER <= webp.length) {
            int i = (int) at;
            long size = (webp[i + 4] & 0xffL) | (webp[i + 5] & 0xffL) << 8 | (webp[i + 6] & 0xffL) << 16
                    | (webp[i + 7] & 0xffL) << 24;
            long end = at + CHUNK_HEADER + size + (size & 1);
            if (at + CHUNK_HEADER + size > webp.length) {
                break;
            }
            if (fourcc(webp, i, "ANMF")) {
                frames++;
            } else if (fourcc(webp, i, "VP8 ") || fourcc(webp, i, "VP8L")) {
                still = true;
            }
            at = end;
        }
        return frames > 0 ? frames : still ? 1 : 0;
    }

    /** The data of the first chunk of this type ({@code ICCP}, {@code EXIF}), or null when there is none whole. */
    static byte[] chunk(byte[] webp, String type) {
        if (webp.length < RIFF_HEADER || !fourcc(webp, 0, "RIFF") || !fourcc(webp, 8, "WEBP")) {
            return null;
        }
        long at = RIFF_HEADER;
        while (at + CHUNK_HEADER <= webp.length) {
            int i = (int) at;
            long size = (webp[i + 4] & 0xffL) | (webp[i + 5] & 0xffL) << 8 | (webp[i + 6] & 0xffL) << 16
                    | (webp[i + 7] & 0xffL) << 24;
            if (at + CHUNK_HEADER + size > webp.length) {
                return null;
            }
            if (fourcc(webp, i, type)) {
                return java.util.Arrays.copyOfRange(webp, i + CHUNK_HEADER, (int) (i + CHUNK_HEADER + size));
            }
            at += CHUNK_HEADER + size + (size & 1);
        }
        return null;
    }

    private static boolean fourcc(byte[] b, int at, String name) {
        for (int k = 0; k < 4; k++) {
            if (b[at + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
