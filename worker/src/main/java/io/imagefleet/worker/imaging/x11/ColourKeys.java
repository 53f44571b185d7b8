package io.imagefleet.worker.imaging.x11;

/**
 * An XPM colour table: pixel keys of up to 4 characters, packed into an int, to ARGB colours.
 * Open addressing with linear probing, grown as colours are added, so its size follows the
 * colours the file really holds, not the count its header claims; a lookup allocates nothing.
 * Used by one thread.
 */
final class ColourKeys {
    private int[] keys = new int[16];
    private int[] colours = new int[16];
    private boolean[] used = new boolean[16];
    private int size;

    /** Packs the {@code cpp} (1-4) key bytes at {@code offset} into an int. */
    static int pack(byte[] bytes, int offset, int cpp) {
        int key = 0;
        for (int i = 0; i < cpp; i++) {
            key = (key << 8) | (bytes[offset + i] & 0xff);
        }
        return key;
    }

    /** Sets the colour of a key; a key given twice keeps its last colour. */
    void put(int key, int argb) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int slot = slot(key, keys, used);
        if (!used[slot]) {
            used[slot] = true;
            keys[slot] = key;
            size++;
        }
        colours[slot] = argb;
    }

    /** The slot holding {@code key}, or -1 when the table has no such key. */
    int find(int key) {
        int slot = slot(key, keys, used);
        return used[slot] ? slot : -1;
    }

    /** The colour in a slot {@link #find} returned. */
    int colourAt(int slot) {
        return colours[slot];
    }

    int size() {
        return size;
    }

    private static int slot(int key, int[] keys, boolean[] used) {
        int mask = keys.length - 1;
        int h = key * 0x9E3779B9;
        int i = (h ^ (h >>> 16)) & mask;
        while (used[i] && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldColours = colours;
        boolean[] oldUsed = used;
        int capacity = keys.length * 2;
        keys = new int[capacity];
        colours = new int[capacity];
        used = new boolean[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldUsed[i]) {
                int slot = slot(oldKeys[i], keys, used);
                used[slot] = true;
                keys[slot] = oldKeys[i];
                colours[slot] = oldColours[i];
            }
        }
    }
}
