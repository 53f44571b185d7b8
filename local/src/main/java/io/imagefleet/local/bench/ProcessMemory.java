package io.imagefleet.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The resident memory of a live process, read from {@code /proc/<pid>/status} (Linux): its peak
 * ({@code VmHWM}, the high-water mark since it started) and its current size ({@code VmRSS}).
 *
 * @param name      what the process is ("worker 2x1 slot 0", "supervisor")
 * @param pid       its pid
 * @param peakBytes the most it has ever had resident
 * @param rssBytes  what it has resident now
 */
record ProcessMemory(String name, long pid, long peakBytes, long rssBytes) {

    /** The figures of a live process, or empty where /proc cannot tell (another OS, a process gone). */
    static Optional<ProcessMemory> of(String name, long pid) {
        return read(Path.of("/proc", Long.toString(pid), "status"))
                .map(s -> new ProcessMemory(name, pid, field(s, "VmHWM:"), field(s, "VmRSS:")))
                .filter(m -> m.peakBytes() > 0);
    }

    /** This JVM's own figures. */
    static Optional<ProcessMemory> self(String name) {
        return of(name, ProcessHandle.current().pid());
    }

    private static Optional<List<String>> read(Path status) {
        try {
            return Optional.of(Files.readAllLines(status));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A {@code Key:   1234 kB} line, in bytes; 0 when absent. */
    private static long field(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return 0;
    }
}
