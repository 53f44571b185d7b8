package io.imagefleet.worker.supervise;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A JDK AOT cache for worker JVMs ({@code IMAGEFLEET_AOT_CACHE}, JDK 25+): classes loaded and
 * linked ahead of time, which starts a worker in about half the time. When the file is missing,
 * the supervisor trains it with a JVM of its own that starts as a worker would and exits as soon
 * as it is built (JDK 25's {@code -XX:AOTCacheOutput} writes the cache as it exits); worker JVMs
 * started after that use it. A cache made for another class path or JDK is refused by the JVM,
 * which then starts as usual. Immutable; the file is looked at on each call.
 */
final class AotCache {
    static final int SINCE_FEATURE = 25;
    /** The slot number a training JVM is labelled with. */
    static final int TRAINER = -2;

    private final Path path;
    private final int feature;
    /** Whether the file is complete: there at the start, or written by a training JVM that has exited. */
    private volatile boolean ready;

    /** @param path the cache file, or null for none; {@code feature} is the children's JDK release. */
    AotCache(Path path, int feature) {
        this.path = path;
        this.feature = feature;
        this.ready = supported() && Files.isRegularFile(path);
    }

    static AotCache of(Path path) {
        return new AotCache(path, Runtime.version().feature());
    }

    private boolean supported() {
        return path != null && feature >= SINCE_FEATURE;
    }

    /** Whether a training JVM should make the cache: one is wanted, supported and not there yet. */
    boolean missing() {
        return supported() && !Files.isRegularFile(path);
    }

    /** The options of a worker JVM: the cache when it is there (not while a training JVM is still writing it). */
    List<String> useOptions() {
        return ready ? List.of("-XX:AOTCache=" + path) : List.of();
    }

    /** The training JVM has exited: the cache is ready if it wrote it. */
    void trained() {
        ready = supported() && Files.isRegularFile(path);
    }

    /** The options of the training JVM; the classes it cannot store are listed as warnings, which are noise. */
    List<String> trainOptions() {
        return List.of("-XX:AOTCacheOutput=" + path, "-Xlog:aot=error:stderr");
    }

    Path path() {
        return path;
    }
}
