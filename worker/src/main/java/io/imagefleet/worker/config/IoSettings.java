package io.imagefleet.worker.config;

import io.imagefleet.config.Env;

/**
 * How far a worker JVM's network I/O (source fetches, output stores) runs ahead of its CPU
 * threads, so that a CPU thread always finds a fetched source waiting. Immutable.
 *
 * @param jobs  {@code IMAGEFLEET_IO_JOBS}: jobs fetched or being fetched ahead of the CPU threads, at most
 * @param bytes {@code IMAGEFLEET_IO_BYTES}: bytes of fetched sources and encoded outputs held in memory
 *              above which no fetch starts; 0 (the default) means a quarter of the memory budget
 */
public record IoSettings(int jobs, long bytes) {
    public static final int DEFAULT_JOBS = 16;

    static IoSettings fromEnv(Env env) {
        return new IoSettings(env.intBetween("IMAGEFLEET_IO_JOBS", DEFAULT_JOBS, 1, 1024),
                env.bytes("IMAGEFLEET_IO_BYTES", 0));
    }

    /** The byte limit for a worker whose memory budget is {@code budgetBytes}. */
    public long bytesFor(long budgetBytes) {
        return bytes > 0 ? bytes : Math.max(1, budgetBytes / 4);
    }
}
