package io.imagefleet.worker.supervise;

import io.imagefleet.config.ByteSize;
import io.imagefleet.config.ConfigException;
import io.imagefleet.config.Durations;
import io.imagefleet.config.Env;
import io.imagefleet.worker.config.WorkerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the supervisor is configured with, read once from the environment by
 * {@link #fromEnv(Map)}. Immutable.
 *
 * @param processes       {@code IMAGEFLEET_PROCESSES}: worker JVMs to keep running
 * @param childHeap       {@code IMAGEFLEET_CHILD_HEAP}: each worker JVM's -Xmx, in bytes; 0 derives it
 *                        from the container's memory and the number of processes
 * @param childJvmOptions {@code IMAGEFLEET_CHILD_JVM_OPTS}: extra options for each worker JVM, space-separated
 * @param shutdownGrace   {@code IMAGEFLEET_SHUTDOWN_GRACE}: after SIGTERM, how long children may take to drain before they are killed
 * @param recycleMinGap   {@code IMAGEFLEET_RECYCLE_MIN_GAP}: the least time between one recycle ending and the next starting
 * @param maxCrashes      {@code IMAGEFLEET_MAX_CRASHES}: a record in flight in this many crashes is answered WORKER_CRASHED
 * @param crashBackoffMax {@code IMAGEFLEET_CRASH_BACKOFF_MAX}: the longest wait before respawning a crash-looping slot
 * @param aotCache        {@code IMAGEFLEET_AOT_CACHE}: a JDK AOT cache file for worker JVMs, or null for none
 */
public record SupervisorConfig(int processes, long childHeap, List<String> childJvmOptions, Duration shutdownGrace,
                               Duration recycleMinGap, int maxCrashes, Duration crashBackoffMax, Path aotCache) {

    public static final Duration DEFAULT_RECYCLE_MIN_GAP = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CRASH_BACKOFF_MAX = Duration.ofSeconds(30);

    public SupervisorConfig {
        childJvmOptions = List.copyOf(childJvmOptions);
    }

    /**
     * Reads and checks every supervisor setting and, since the children will read the same
     * environment, every worker setting too; throws a ConfigException naming every bad key of both.
     */
    public static SupervisorConfig fromEnv(Map<String, String> environment) {
        return fromEnv(new Env(environment));
    }

    /**
     * The same, from an {@link Env}, whose {@link Env#keysRead()} then lists the supervisor's
     * keys (the workers' are read from a copy).
     */
    public static SupervisorConfig fromEnv(Env env) {
        List<String> problems = new ArrayList<>();
        WorkerConfig worker = null;
        try {
            worker = WorkerConfig.fromEnv(env.raw());
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        SupervisorConfig c = new SupervisorConfig(
                env.intBetween("IMAGEFLEET_PROCESSES", 1, 1, 64),
                env.bytes("IMAGEFLEET_CHILD_HEAP", 0),
                env.get("IMAGEFLEET_CHILD_JVM_OPTS").map(s -> Arrays.stream(s.trim().split("\\s+")).toList()).orElse(List.of()),
                env.duration("IMAGEFLEET_SHUTDOWN_GRACE", Duration.ZERO),
                env.duration("IMAGEFLEET_RECYCLE_MIN_GAP", DEFAULT_RECYCLE_MIN_GAP),
                env.intBetween("IMAGEFLEET_MAX_CRASHES", 2, 1, 100),
                env.duration("IMAGEFLEET_CRASH_BACKOFF_MAX", DEFAULT_CRASH_BACKOFF_MAX),
                env.get("IMAGEFLEET_AOT_CACHE").map(Path::of).orElse(null));
        if (c.childHeap() != 0 && c.childHeap() < (32L << 20)) {
            env.reject("IMAGEFLEET_CHILD_HEAP must be at least 32m, got '" + env.get("IMAGEFLEET_CHILD_HEAP").orElse("") + "'");
        }
        if (c.childJvmOptions().stream().anyMatch(o -> o.startsWith("-Xmx"))) {
            env.reject("IMAGEFLEET_CHILD_JVM_OPTS must not set -Xmx (use IMAGEFLEET_CHILD_HEAP), got '"
                    + String.join(" ", c.childJvmOptions()) + "'");
        }
        Duration drain = worker == null ? Duration.ofSeconds(30) : worker.drainTimeout();
        if (c.shutdownGrace().isZero()) {
            c = c.withShutdownGrace(drain.plusSeconds(10));
        } else if (c.shutdownGrace().compareTo(drain) < 0) {
            env.reject("IMAGEFLEET_SHUTDOWN_GRACE must be at least IMAGEFLEET_DRAIN_TIMEOUT (" + Durations.format(drain)
                    + "), got '" + Durations.format(c.shutdownGrace()) + "'");
        }
        try {
            env.validate();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return c;
    }

    public SupervisorConfig withShutdownGrace(Duration grace) {
        return new SupervisorConfig(processes, childHeap, childJvmOptions, grace, recycleMinGap, maxCrashes,
                crashBackoffMax, aotCache);
    }

    /** The effective settings, for the one start-up log line. */
    public Map<String, Object> describe(long effectiveHeap) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("processes", processes);
        m.put("childHeap", ByteSize.format(effectiveHeap) + (childHeap == 0 ? " (derived)" : ""));
        m.put("childShare", ByteSize.format(ChildHeap.share(effectiveHeap)));
        m.put("childJvmOptions", childJvmOptions);
        m.put("shutdownGrace", Durations.format(shutdownGrace));
        m.put("recycleMinGap", Durations.format(recycleMinGap));
        m.put("maxCrashes", maxCrashes);
        m.put("crashBackoffMax", Durations.format(crashBackoffMax));
        m.put("aotCache", aotCache);
        return m;
    }
}
