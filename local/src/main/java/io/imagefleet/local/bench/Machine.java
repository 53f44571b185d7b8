package io.imagefleet.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the bench ran on, for the report: CPU, cores, memory, OS, the JVM that runs the workers,
 * and the load on the machine (a shared machine's figures move with it). Read from {@code /proc}
 * where it exists.
 */
record Machine(String cpu, int cores, long memoryBytes, String os, String jvm) {

    static Machine describe() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
        long mem = firstValue(Path.of("/proc/meminfo"), "MemTotal")
                .map(v -> Long.parseLong(v.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version");
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), mem, os, jvm);
    }

    /** The 1-minute load average now, or -1 where it cannot be read. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    String summary() {
        return String.format(Locale.ROOT, "%s, %d cores, %.1f GiB, %s; %s", cpu, cores, memoryBytes / (double) (1L << 30),
                os, jvm);
    }

    private static Optional<String> firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
