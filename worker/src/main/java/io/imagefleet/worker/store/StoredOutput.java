package io.imagefleet.worker.store;

import java.util.Locale;
import java.util.Map;

/**
 * One encoded output on its way to a store.
 *
 * @param jobId    the job it was made for (written as object metadata where the store keeps any)
 * @param fileName its deterministic name, {@code <id>-<name>.<ext>}
 * @param bytes    the encoded image, owned by the job
 */
public record StoredOutput(String jobId, String fileName, byte[] bytes) {
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "jpg", "image/jpeg", "png", "image/png", "gif", "image/gif", "bmp", "image/bmp",
            "tiff", "image/tiff", "webp", "image/webp", "avif", "image/avif");

    /** The media type of the file name's extension. */
    public String contentType() {
        String ext = fileName.substring(fileName.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return CONTENT_TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
