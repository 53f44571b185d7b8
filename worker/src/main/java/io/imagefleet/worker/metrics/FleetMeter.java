package io.imagefleet.worker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The catalogue of imagefleet's own meters: every name, its description, unit and tag keys, in
 * one place. Tag values are always from a closed set (an outcome, an error code, a stage, a
 * format, a recycle reason, a slot number): never a job id, a file name or anything a job's
 * author chooses. Every meter is also tagged {@code slot} where it is served (the worker JVM's
 * slot, or {@code supervisor} for the supervisor's own JVM). Meters are registered only through
 * the methods here, which check that a value is given for each tag key. Immutable.
 */
public enum FleetMeter {
    // ---- each worker JVM ----
    JOBS("imagefleet.jobs", null,
            "Jobs answered by this worker JVM (their final result sent), by outcome (succeeded, failed) and error code "
                    + "(none when succeeded)", "outcome", "code"),
    DEAD_LETTERS("imagefleet.dead.letters", null,
            "Records sent to the dead-letter topic, by error code", "code"),
    STAGE_DURATION("imagefleet.stage.duration", null,
            "Time a job spent in each stage: queue (from publish to start), fetch, probe, admit (waiting for memory), "
                    + "decode, process, encode, store", "stage"),
    JOB_DURATION("imagefleet.job.duration", null,
            "Processing time of a job, from its start on a pool thread to its result, by outcome", "outcome"),
    JOBS_IN_FLIGHT("imagefleet.jobs.in.flight", null,
            "Records taken into work (running, waiting to retry, or their answer being sent) and not yet answered"),
    PARTITIONS("imagefleet.partitions.assigned", null, "Partitions of the jobs topic this worker JVM holds"),
    WORKER_STATE("imagefleet.worker.state", null,
            "The consumer loop's lifecycle: 1 for the state it is in (starting, running, draining, stopped), 0 for the others",
            "state"),
    ADMISSION_WAIT("imagefleet.admission.wait", null,
            "Time jobs waited for their share of the memory budget before decoding"),
    ADMISSION_RESERVED("imagefleet.admission.reserved", "bytes",
            "Heap reserved now by the jobs admitted to decode (their estimated peak)"),
    ADMISSION_CAPACITY("imagefleet.admission.capacity", "bytes",
            "The memory budget: IMAGEFLEET_MEMORY_BUDGET times the maximum heap"),
    ADMISSION_WAITING("imagefleet.admission.waiting", null, "Jobs waiting for memory now"),
    SOURCE_BYTES("imagefleet.source.bytes", "bytes", "Size of the sources fetched"),
    OUTPUT_BYTES("imagefleet.output.bytes", "bytes", "Size of the outputs stored, by format", "format"),
    NATIVE_CODEC("imagefleet.native.codec", null,
            "1 when the worker JVM uses this native codec library (libturbojpeg: JPEG decode at reduced size; libwebp: "
                    + "WebP output), 0 when it could not load it (IMAGEFLEET_NATIVE)", "library"),
    RESIDENT_MEMORY("imagefleet.memory.resident", "bytes",
            "Resident set of the process (VmRSS: heap, native decoder buffers, metaspace, threads)"),
    RESIDENT_LIMIT("imagefleet.memory.resident.limit", "bytes",
            "The resident set at which this worker JVM recycles (IMAGEFLEET_RECYCLE_RSS_BYTES; under a supervisor, its "
                    + "share of the pod's memory unless that is set); 0 for no limit"),
    THREADS("imagefleet.threads", null,
            "Pool threads that run jobs (IMAGEFLEET_THREADS): the worker JVM's capacity"),
    THREADS_BUSY("imagefleet.threads.busy", null, "Pool threads running a job now"),
    RETRIES("imagefleet.retries", null,
            "Jobs scheduled for another attempt after a retryable failure, by the error code of the failed attempt", "code"),
    POLL_AGE("imagefleet.poll.age", "seconds",
            "Time since the slot's consumer loop last finished a turn; /health/live fails past IMAGEFLEET_LIVENESS_TIMEOUT",
            "slot"),

    // ---- every JVM, the supervisor's too ----
    BUILD_INFO("imagefleet.build.info", null, "Always 1; its version tag is the version of imagefleet the JVM runs",
            "version"),

    // ---- the supervisor ----
    RECYCLES("imagefleet.recycles", null, "Worker JVM recycles, by slot and reason", "slot", "reason"),
    RECYCLE_DURATION("imagefleet.recycle.duration", null,
            "Recycles by phase: drain (grant to exit), rejoin (exit to the new JVM's partitions), gap (last job of the "
                    + "old JVM to the first of the new)", "phase"),
    CRASHES("imagefleet.crashes", null,
            "Worker JVMs that died without being told to, by slot and cause (out-of-memory, halted-on-error, sigkill...)",
            "slot", "cause"),
    SLOT_UP("imagefleet.slot.up", null, "1 when the slot has a worker JVM consuming, 0 between JVMs or in a crash backoff",
            "slot"),
    SLOT_STATE("imagefleet.slot.state", null,
            "The slot's lifecycle: 1 for the state it is in (down, starting, running, recycle_asked, draining, stopping, "
                    + "stopped), 0 for the others", "slot", "state"),
    SUSPECTS("imagefleet.suspects", null, "Records that were in flight when worker JVMs died and are run alone or given up"),
    SUPERVISOR_STATE("imagefleet.supervisor.state", null,
            "The supervisor's lifecycle: 1 for the state it is in (starting, running, stopping, stopped)", "state");

    /** Histogram buckets for job and stage timers: percentiles come from these (histogram_quantile). */
    static final Duration[] TIME_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60)};
    /** Histogram buckets for byte sizes, 4 KiB to 64 MiB. */
    static final double[] BYTE_BUCKETS = {4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20};

    private final String meterName;
    private final String baseUnit;
    private final String description;
    private final List<String> tagKeys;

    FleetMeter(String meterName, String baseUnit, String description, String... tagKeys) {
        this.meterName = meterName;
        this.baseUnit = baseUnit;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    public String meterName() {
        return meterName;
    }

    public String description() {
        return description;
    }

    public List<String> tagKeys() {
        return tagKeys;
    }

    /** The tags for these values, one per tag key in order; throws when the count differs. */
    public Tags tags(String... values) {
        if (values.length != tagKeys.size()) {
            throw new IllegalArgumentException(meterName + " takes tags " + tagKeys + ", got " + values.length + " values");
        }
        Tags tags = Tags.empty();
        for (int i = 0; i < values.length; i++) {
            tags = tags.and(tagKeys.get(i), values[i]);
        }
        return tags;
    }

    public Counter counter(MeterRegistry registry, String... tagValues) {
        return Counter.builder(meterName).description(description).baseUnit(baseUnit).tags(tags(tagValues))
                .register(registry);
    }

    /** A timer with histogram buckets, so that percentiles can be computed across slots and pods. */
    public Timer timer(MeterRegistry registry, String... tagValues) {
        return Timer.builder(meterName).description(description).tags(tags(tagValues))
                .serviceLevelObjectives(TIME_BUCKETS).register(registry);
    }

    public DistributionSummary summary(MeterRegistry registry, String... tagValues) {
        return DistributionSummary.builder(meterName).description(description).baseUnit(baseUnit).tags(tags(tagValues))
                .serviceLevelObjectives(BYTE_BUCKETS).register(registry);
    }

    public <T> Gauge gauge(MeterRegistry registry, T obj, ToDoubleFunction<T> value, String... tagValues) {
        return Gauge.builder(meterName, obj, value).description(description).baseUnit(baseUnit).tags(tags(tagValues))
                .strongReference(true).register(registry);
    }

    public <T> FunctionTimer functionTimer(MeterRegistry registry, T obj, ToLongFunction<T> count, ToDoubleFunction<T> totalNanos) {
        return FunctionTimer.builder(meterName, obj, count, totalNanos, TimeUnit.NANOSECONDS).description(description)
                .register(registry);
    }
}
