package io.imagefleet.worker.version;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of imagefleet this JVM runs, as the build wrote it into
 * {@code imagefleet-version.properties}: exported as {@code imagefleet_build_info{version}} and
 * sent in every result ({@code worker.version}), so that a rolling upgrade can be followed. A
 * build fact, read once; immutable and thread-safe.
 */
public final class WorkerVersion {
    /** What a JVM whose resources were not filtered by the build (an IDE's) reports. */
    public static final String UNKNOWN = "unknown";
    private static final String VERSION = read("imagefleet-version.properties");

    private WorkerVersion() {
    }

    /** The version, such as {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}; {@link #UNKNOWN} when the build did not say. */
    public static String current() {
        return VERSION;
    }

    static String read(String resource) {
        try (InputStream in = WorkerVersion.class.getResourceAsStream(resource)) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the worker's jar", e);
        }
    }
}
