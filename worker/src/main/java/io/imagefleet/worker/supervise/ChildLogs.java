package io.imagefleet.worker.supervise;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the worker JVMs' log lines go, decided line by line, since a spare JVM takes a slot only
 * when it is put to work: onto one stream with a {@code slot-N|} prefix, or into one file per
 * slot ({@code worker-N.log}, {@code worker-spare.log} before a spare has a slot). Thread-safe.
 */
public abstract sealed class ChildLogs {
    /** The line a child wrote, attributed to the slot it serves now (-1 for a spare). */
    abstract void line(int slot, String line);

    /** Lines onto one stream, each with its slot as a prefix. */
    public static ChildLogs prefixed(PrintStream out) {
        return new Prefixed(out);
    }

    /** Lines into {@code worker-N.log} files in a directory, appended. */
    public static ChildLogs files(Path dir) {
        return new Files(dir);
    }

    static String label(int slot) {
        return slot == AotCache.TRAINER ? "aot-training" : slot < 0 ? "spare" : "slot-" + slot;
    }

    private static final class Prefixed extends ChildLogs {
        private final PrintStream out;

        Prefixed(PrintStream out) {
            this.out = out;
        }

        @Override
        void line(int slot, String line) {
            out.println(label(slot) + "| " + line);
        }
    }

    private static final class Files extends ChildLogs {
        private final Path dir;
        private final Map<Integer, PrintStream> open = new HashMap<>();

        Files(Path dir) {
            this.dir = dir;
        }

        @Override
        synchronized void line(int slot, String line) {
            open.computeIfAbsent(slot, s -> {
                try {
                    String name = "worker-" + (s < 0 ? label(s) : Integer.toString(s)) + ".log";
                    return new PrintStream(new FileOutputStream(dir.resolve(name).toFile(), true), true, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).println(line);
        }
    }
}
