package io.imagefleet.worker.imaging;

import javax.imageio.ImageIO;

/**
 * The process-wide ImageIO settings a worker JVM runs with, set once by {@code main} before any
 * image is read: streams are kept in memory, never in a disk cache (untrusted images leave no
 * temporary files, and a read never waits on the disk).
 */
public final class ImageIoDefaults {
    private ImageIoDefaults() {
    }

    /** Applies the settings to this JVM. */
    public static void apply() {
        ImageIO.setUseCache(false);
    }
}
