package io.imagefleet.worker.source;

/**
 * The bytes of a fetched source. The array is owned by the job that fetched it.
 *
 * @param bytes  the whole content
 * @param origin where it was read from, for messages (a path or the final URL after redirects)
 */
public record SourceBytes(byte[] bytes, String origin) {
    public long length() {
        return bytes.length;
    }
}
