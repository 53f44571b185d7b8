package io.imagefleet.worker.imaging;

/**
 * Counts the frames of a GIF by walking its block structure (GIF89a, section 17 onwards): the
 * colour tables are skipped by their declared sizes, extensions and each frame's compressed
 * data by their sub-block lengths, and every image descriptor ({@code 0x2C}) is a frame. Nothing
 * is decompressed and nothing is allocated; every step moves forward at least one byte, so the
 * work is bounded by the file's length (a 50 MiB GIF is one pass over 50 MiB). A file that is
 * cut short or has a byte where no block can start counts the frames before it, as browsers show
 * them. Stateless.
 */
final class GifBlocks {
    private static final int IMAGE = 0x2c;
    private static final int EXTENSION = 0x21;
    private static final int HEADER_BYTES = 6 + 7;
    private static final int DESCRIPTOR_BYTES = 10;

    private GifBlocks() {
    }

    /** The frames of a GIF, or -1 when the bytes do not start with a GIF header. */
    static int frames(byte[] gif) {
        if (gif.length < HEADER_BYTES || gif[0] != 'G' || gif[1] != 'I' || gif[2] != 'F') {
            return -1;
        }
        long at = HEADER_BYTES + colourTable(gif[10]);
        int frames = 0;
        while (at < gif.length) {
            int introducer = gif[(int) at] & 0xff;
            if (introducer == IMAGE) {
                if (at + DESCRIPTOR_BYTES >= gif.length) {
                    break;
                }
                at += DESCRIPTOR_BYTES + colourTable(gif[(int) at + 9]) + 1; // the descriptor, its table, the LZW code size
                long end = subBlocks(gif, at);
                if (end < 0) {
                    break; // its data is cut short: nothing of it is shown
                }
                frames++;
                at = end;
            } else if (introducer == EXTENSION) {
                long end = subBlocks(gif, at + 2);
                if (end < 0) {
                    break;
                }
                at = end;
            } else {
                break; // the trailer, or a byte no block starts with
            }
        }
        return frames;
    }

    /** The bytes of a colour table that the packed field declares (its top bit says whether there is one). */
    private static int colourTable(byte packed) {
        return (packed & 0x80) == 0 ? 0 : 3 << ((packed & 0x07) + 1);
    }

    /** Where the sub-blocks starting at {@code at} end (past their zero terminator), or -1 when the file ends first. */
    private static long subBlocks(byte[] gif, long at) {
        while (at < gif.length) {
            int size = gif[(int) at] & 0xff;
            at += 1 + size;
            if (size == 0) {
                return at;
            }
        }
        return -1;
    }
}
