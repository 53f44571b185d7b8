package io.imagefleet.worker.recycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * This process's resident set size, and its peak, from {@code /proc/self/status} (Linux). Heap,
 * native decoder buffers, direct memory and code all count, which is what a container limit
 * sees. Stateless.
 */
public final class ResidentSet {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentSet() {
    }

    /** {@code VmRSS} in bytes; empty where there is no {@code /proc}. */
    public static Optional<Long> current() {
        OptionalLong v = field(STATUS, "VmRSS:");
        return v.isPresent() ? Optional.of(v.getAsLong()) : Optional.empty();
    }

    /** {@code VmHWM}, the peak resident set, in bytes; empty where there is no {@code /proc}. */
    public static OptionalLong peak() {
        return field(STATUS, "VmHWM:");
    }

    /** A {@code kB} field of a {@code /proc/<pid>/status} file, in bytes. */
    public static OptionalLong field(Path status, String name) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
