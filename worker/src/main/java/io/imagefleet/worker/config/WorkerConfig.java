package io.imagefleet.worker.config;

import io.imagefleet.config.ByteSize;
import io.imagefleet.config.Durations;
import io.imagefleet.config.Env;
import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.worker.recycle.RecyclePolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a worker JVM is configured with, read once from the environment by
 * {@link #fromEnv(Map)} in {@code main} and passed down. Immutable.
 *
 * @param kafka           bootstrap servers and {@code IMAGEFLEET_KAFKA_*} pass-through properties
 * @param topics          jobs, results and dead-letter topics
 * @param groupId         {@code IMAGEFLEET_GROUP_ID}: the consumer group of the fleet
 * @param threads         {@code IMAGEFLEET_THREADS}: jobs processed at once by one worker JVM
 * @param maxPixels       {@code IMAGEFLEET_MAX_PIXELS}: the largest source image, in pixels
 * @param maxSourceBytes  {@code IMAGEFLEET_MAX_SOURCE_BYTES}: the largest source, in bytes
 * @param jobTimeout      {@code IMAGEFLEET_JOB_TIMEOUT}: the deadline of one job
 * @param jobStuckAfter   {@code IMAGEFLEET_JOB_STUCK_AFTER}: how long a job's thread may run past its deadline
 *                        before it is reported stuck
 * @param drainTimeout    {@code IMAGEFLEET_DRAIN_TIMEOUT}: how long a stopping worker waits for in-flight jobs
 * @param fileRoots       {@code IMAGEFLEET_FILE_ROOTS}: directories file:// sources may be read from
 * @param outputRoots     {@code IMAGEFLEET_OUTPUT_ROOTS}: directories file:// outputs may be written to
 * @param http            {@code IMAGEFLEET_HTTP_*}: what outbound HTTP (sources, PUT targets) may reach
 * @param s3              {@code IMAGEFLEET_S3_*}: the object store of s3:// sources and targets
 * @param delivery        {@code IMAGEFLEET_DELIVERY}
 * @param nativeCodecs    {@code IMAGEFLEET_NATIVE}: whether to use libjpeg-turbo and libwebp
 * @param memoryBudget    {@code IMAGEFLEET_MEMORY_BUDGET}: the share of the maximum heap that admitted jobs may reserve
 * @param recycle         {@code IMAGEFLEET_RECYCLE_*}: when this worker JVM recycles
 * @param retry           {@code IMAGEFLEET_RETRY_*}: how retryable failures are tried again
 * @param observability   {@code IMAGEFLEET_METRICS_*}, {@code IMAGEFLEET_LOG_FORMAT}, {@code IMAGEFLEET_LIVENESS_TIMEOUT}:
 *                        metrics, health and logs
 * @param reply           {@code IMAGEFLEET_REPLY_TOPICS}: which topics a job's result may be written to
 * @param limits          {@code IMAGEFLEET_MAX_OUTPUT_PIXELS}, {@code IMAGEFLEET_MAX_FRAMES},
 *                        {@code IMAGEFLEET_MAX_AVIF_PIXELS}: what one job may ask to make
 * @param presets         {@code IMAGEFLEET_PRESETS}, {@code IMAGEFLEET_PRESETS_ONLY}: named output specs
 * @param io              {@code IMAGEFLEET_IO_JOBS}, {@code IMAGEFLEET_IO_BYTES}: how far fetches run ahead of the CPU threads
 */
public record WorkerConfig(
        KafkaSettings kafka,
        Topics topics,
        String groupId,
        int threads,
        long maxPixels,
        long maxSourceBytes,
        Duration jobTimeout,
        Duration jobStuckAfter,
        Duration drainTimeout,
        List<Path> fileRoots,
        List<Path> outputRoots,
        HttpSettings http,
        S3Settings s3,
        Delivery delivery,
        NativeMode nativeCodecs,
        double memoryBudget,
        RecyclePolicy recycle,
        RetryPolicy retry,
        Observability observability,
        ReplySettings reply,
        JobLimits limits,
        PresetSettings presets,
        IoSettings io) {

    public static final String DEFAULT_GROUP = "imagefleet-workers";
    public static final double DEFAULT_MEMORY_BUDGET = 0.6;
    public static final int DEFAULT_RECYCLE_MAX_JOBS = 1000;
    public static final double DEFAULT_RECYCLE_HEAP_RATIO = 0.85;
    public static final Duration DEFAULT_RECYCLE_MAX_AGE = Duration.ofHours(1);
    public static final double DEFAULT_RECYCLE_JITTER = 0.1;

    public WorkerConfig {
        fileRoots = List.copyOf(fileRoots);
        outputRoots = List.copyOf(outputRoots);
    }

    /** Reads and checks every setting; throws a ConfigException naming every bad key at once. */
    public static WorkerConfig fromEnv(Map<String, String> environment) {
        return fromEnv(new Env(environment));
    }

    /** The same, from an {@link Env} (whose {@link Env#keysRead()} then lists every key a worker reads). */
    public static WorkerConfig fromEnv(Env env) {
        Topics topics = Topics.fromEnv(env);
        long maxPixels = env.longBetween("IMAGEFLEET_MAX_PIXELS", 50_000_000L, 1, JobLimits.MAX_IMAGE_PIXELS);
        WorkerConfig c = new WorkerConfig(
                KafkaSettings.fromEnv(env),
                topics,
                env.string("IMAGEFLEET_GROUP_ID", DEFAULT_GROUP),
                env.intBetween("IMAGEFLEET_THREADS", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 256),
                maxPixels,
                env.bytes("IMAGEFLEET_MAX_SOURCE_BYTES", 50L << 20),
                env.duration("IMAGEFLEET_JOB_TIMEOUT", Duration.ofSeconds(60)),
                env.duration("IMAGEFLEET_JOB_STUCK_AFTER", Duration.ofSeconds(10)),
                env.duration("IMAGEFLEET_DRAIN_TIMEOUT", Duration.ofSeconds(30)),
                paths(env, "IMAGEFLEET_FILE_ROOTS"),
                paths(env, "IMAGEFLEET_OUTPUT_ROOTS"),
                HttpSettings.fromEnv(env),
                S3Settings.fromEnv(env),
                env.oneOf("IMAGEFLEET_DELIVERY", Delivery.AT_LEAST_ONCE, Delivery.class),
                env.oneOf("IMAGEFLEET_NATIVE", NativeMode.AUTO, NativeMode.class),
                env.doubleBetween("IMAGEFLEET_MEMORY_BUDGET", DEFAULT_MEMORY_BUDGET, 0.05, 1.0),
                new RecyclePolicy(
                        env.intBetween("IMAGEFLEET_RECYCLE_MAX_JOBS", DEFAULT_RECYCLE_MAX_JOBS, 0, Integer.MAX_VALUE),
                        env.doubleBetween("IMAGEFLEET_RECYCLE_HEAP_RATIO", DEFAULT_RECYCLE_HEAP_RATIO, 0, 1),
                        env.bytes("IMAGEFLEET_RECYCLE_RSS_BYTES", 0),
                        env.duration("IMAGEFLEET_RECYCLE_MAX_AGE", DEFAULT_RECYCLE_MAX_AGE),
                        env.doubleBetween("IMAGEFLEET_RECYCLE_JITTER", DEFAULT_RECYCLE_JITTER, 0, 0.5)),
                new RetryPolicy(
                        env.intBetween("IMAGEFLEET_RETRY_ATTEMPTS", RetryPolicy.DEFAULT.maxAttempts(), 1, 100),
                        env.duration("IMAGEFLEET_RETRY_BACKOFF", RetryPolicy.DEFAULT.backoff()),
                        env.duration("IMAGEFLEET_RETRY_BACKOFF_MAX", RetryPolicy.DEFAULT.maxBackoff())),
                Observability.fromEnv(env),
                ReplySettings.fromEnv(env, topics.results()),
                JobLimits.fromEnv(env, maxPixels),
                PresetSettings.fromEnv(env),
                IoSettings.fromEnv(env));
        refuseUnsafeOverrides(env, c.kafka());
        if (c.retry().backoff().compareTo(c.retry().maxBackoff()) > 0) {
            env.reject("IMAGEFLEET_RETRY_BACKOFF must not be longer than IMAGEFLEET_RETRY_BACKOFF_MAX ("
                    + Durations.format(c.retry().maxBackoff()) + "), got '" + Durations.format(c.retry().backoff()) + "'");
        }
        if (c.jobTimeout().isNegative() || c.jobTimeout().isZero()) {
            env.reject("IMAGEFLEET_JOB_TIMEOUT must be positive, got " + Durations.format(c.jobTimeout()));
        }
        if (c.jobStuckAfter().isNegative() || c.jobStuckAfter().isZero()) {
            env.reject("IMAGEFLEET_JOB_STUCK_AFTER must be positive, got " + Durations.format(c.jobStuckAfter()));
        }
        env.validate();
        return c;
    }

    /**
     * Client properties passed through with {@code IMAGEFLEET_KAFKA_*} that would break the
     * delivery guarantee, or the ids the worker gives each slot, are refused (not silently
     * replaced), each with what it would break.
     */
    private static void refuseUnsafeOverrides(Env env, KafkaSettings kafka) {
        Map<String, String> pass = kafka.passthrough();
        String autoCommit = pass.get("enable.auto.commit");
        if (autoCommit != null && !autoCommit.trim().equalsIgnoreCase("false")) {
            env.reject("IMAGEFLEET_KAFKA_ENABLE_AUTO_COMMIT must not be set to '" + autoCommit + "': offsets would be "
                    + "committed before their results are published, and a worker that dies would lose jobs "
                    + "(the worker commits itself)");
        }
        String acks = pass.get("acks");
        if (acks != null && !acks.trim().equalsIgnoreCase("all") && !acks.trim().equals("-1")) {
            env.reject("IMAGEFLEET_KAFKA_ACKS must be all, got '" + acks + "': a result acknowledged by fewer replicas "
                    + "can be lost after its job's offset is committed");
        }
        String idempotence = pass.get("enable.idempotence");
        if (idempotence != null && !idempotence.trim().equalsIgnoreCase("true")) {
            env.reject("IMAGEFLEET_KAFKA_ENABLE_IDEMPOTENCE must not be '" + idempotence + "': the producer's retries "
                    + "could then write a result twice, and exactly-once mode needs it");
        }
        for (String managed : List.of("group.id", "group.instance.id", "transactional.id")) {
            if (pass.containsKey(managed)) {
                env.reject("IMAGEFLEET_KAFKA_" + managed.toUpperCase(java.util.Locale.ROOT).replace('.', '_')
                        + " must not be set: the worker sets " + managed + " itself (IMAGEFLEET_GROUP_ID, and one per "
                        + "supervisor slot), got '" + pass.get(managed) + "'");
            }
        }
    }

    private static List<Path> paths(Env env, String key) {
        return env.list(key).stream().map(s -> {
            Path p = Path.of(s);
            if (!p.isAbsolute()) {
                env.reject(key + " must list absolute directories, got '" + s + "'");
            }
            return p.toAbsolutePath().normalize();
        }).toList();
    }

    /** The effective settings, for the one start-up log line; Kafka secrets are masked. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kafka", KafkaSettings.masked(kafka.clientProperties()));
        m.put("topics", topics);
        m.put("groupId", groupId);
        m.put("threads", threads);
        m.put("maxPixels", maxPixels);
        m.put("maxSourceBytes", ByteSize.format(maxSourceBytes));
        m.put("jobTimeout", Durations.format(jobTimeout));
        m.put("jobStuckAfter", Durations.format(jobStuckAfter));
        m.put("drainTimeout", Durations.format(drainTimeout));
        m.put("fileRoots", fileRoots);
        m.put("outputRoots", outputRoots);
        m.put("http", http);
        m.put("s3", s3);
        m.put("delivery", delivery);
        m.put("native", nativeCodecs);
        m.put("memoryBudget", memoryBudget);
        m.put("recycle", recycle);
        m.put("retry", retry);
        m.put("observability", observability);
        m.put("replyTopics", reply.topics());
        m.put("limits", limits);
        m.put("presets", presets);
        m.put("io", io);
        return m;
    }
}
