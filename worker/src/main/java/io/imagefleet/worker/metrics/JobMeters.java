package io.imagefleet.worker.metrics;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.consume.LoopListener;
import io.imagefleet.worker.consume.PartitionRef;
import io.imagefleet.worker.consume.RecordRef;
import io.imagefleet.worker.consume.ReplyListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * A worker JVM's job meters: jobs answered by outcome and error code, dead letters, stage and job
 * timers (from each result's timings, so they measure exactly what the result reports), source
 * and output bytes, records in flight, partitions held, retries, the pool's capacity, the loop's state
 * and the memory budget.
 * It hears answers as a {@link ReplyListener} and the loop as a {@link LoopListener}. Every
 * outcome, code and stage is registered up front, so that a rate over a code that has not
 * happened yet is 0 rather than absent. Thread-safe.
 */
public final class JobMeters implements ReplyListener, LoopListener {
    /** The stages of a result's timings, in order, as the {@code stage} tag names them. */
    static final String[] STAGES = {"queue", "fetch", "probe", "admit", "decode", "process", "encode", "store"};
    private static final String NONE = "none";

    private final MeterRegistry registry;
    private final Counter succeeded;
    private final Map<ErrorCode, Counter> failed = new EnumMap<>(ErrorCode.class);
    private final Map<ErrorCode, Counter> deadLetters = new EnumMap<>(ErrorCode.class);
    private final Map<ErrorCode, Counter> retries = new EnumMap<>(ErrorCode.class);
    private final Timer[] stages = new Timer[STAGES.length];
    private final Timer succeededTime;
    private final Timer failedTime;
    private final DistributionSummary sourceBytes;
    private final Map<Format, DistributionSummary> outputBytes = new EnumMap<>(Format.class);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger partitions = new AtomicInteger();

    public JobMeters(MeterRegistry registry) {
        this.registry = registry;
        succeeded = FleetMeter.JOBS.counter(registry, "succeeded", NONE);
        for (ErrorCode code : ErrorCode.values()) {
            failed.put(code, FleetMeter.JOBS.counter(registry, "failed", code.name()));
            deadLetters.put(code, FleetMeter.DEAD_LETTERS.counter(registry, code.name()));
            retries.put(code, FleetMeter.RETRIES.counter(registry, code.name()));
        }
        for (int i = 0; i < STAGES.length; i++) {
            stages[i] = FleetMeter.STAGE_DURATION.timer(registry, STAGES[i]);
        }
        succeededTime = FleetMeter.JOB_DURATION.timer(registry, "succeeded");
        failedTime = FleetMeter.JOB_DURATION.timer(registry, "failed");
        sourceBytes = FleetMeter.SOURCE_BYTES.summary(registry);
        for (Format f : Format.values()) {
            outputBytes.put(f, FleetMeter.OUTPUT_BYTES.summary(registry, f.wireName()));
        }
        FleetMeter.JOBS_IN_FLIGHT.gauge(registry, inFlight, AtomicInteger::get);
        FleetMeter.PARTITIONS.gauge(registry, partitions, AtomicInteger::get);
    }

    /** Exports the loop's lifecycle state. */
    public void bindLoop(Supplier<ConsumerLoop.State> state) {
        for (ConsumerLoop.State s : ConsumerLoop.State.values()) {
            FleetMeter.WORKER_STATE.gauge(registry, state, st -> st.get() == s ? 1 : 0, s.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Exports the pool's capacity: its threads, and how many run a job now (read at each scrape). */
    public void bindPool(int threads, IntSupplier busy) {
        FleetMeter.THREADS.gauge(registry, threads, Integer::doubleValue);
        FleetMeter.THREADS_BUSY.gauge(registry, busy, IntSupplier::getAsInt);
    }

    /**
     * A job failed with a retryable {@code code} and is scheduled for another attempt. This is the
     * signature of {@code LoopListener.jobRetried}, which the consumer loop calls when it schedules
     * a retry, so that this class hears it as a listener once the loop tells.
     */
    public void jobRetried(PartitionRef tp, long offset, String jobId, ErrorCode code, int attempt) {
        retries.get(code).increment();
    }

    /** Exports the memory budget: reserved, capacity, jobs waiting and the time they waited. */
    public void bindBudget(MemoryBudget budget) {
        FleetMeter.ADMISSION_RESERVED.gauge(registry, budget, MemoryBudget::reserved);
        FleetMeter.ADMISSION_CAPACITY.gauge(registry, budget, MemoryBudget::capacity);
        FleetMeter.ADMISSION_WAITING.gauge(registry, budget, MemoryBudget::waiting);
        FleetMeter.ADMISSION_WAIT.functionTimer(registry, budget, MemoryBudget::admitted, MemoryBudget::totalWaitNanos);
    }

    @Override
    public void result(RecordRef record, Result result) {
        if (result.succeeded()) {
            succeeded.increment();
        } else {
            failed.get(result.error() == null ? ErrorCode.INTERNAL : result.error().code()).increment();
        }
        Result.Timings t = result.timings();
        if (t != null) {
            long[] ms = {t.queuedMs(), t.fetchMs(), t.probeMs(), t.admitMs(), t.decodeMs(), t.processMs(), t.encodeMs(),
                    t.storeMs()};
            for (int i = 0; i < ms.length; i++) {
                stages[i].record(Duration.ofMillis(ms[i]));
            }
            (result.succeeded() ? succeededTime : failedTime).record(Duration.ofMillis(t.totalMs()));
        }
        if (result.source() != null && result.source().bytes() != null) {
            sourceBytes.record(result.source().bytes());
        }
        for (Result.OutputResult out : result.outputs()) {
            if (out.format() != null) {
                outputBytes.get(out.format()).record(out.bytes());
            }
        }
    }

    @Override
    public void deadLetter(RecordRef record, ErrorCode code, int attempts) {
        deadLetters.get(code).increment();
    }

    @Override
    public void jobStarted(PartitionRef tp, long offset, String jobId) {
        inFlight.incrementAndGet();
    }

    @Override
    public void jobEnded(PartitionRef tp, long offset, String jobId, Outcome outcome) {
        inFlight.decrementAndGet();
    }

    @Override
    public void assignmentChanged(String change, Collection<PartitionRef> changed, Set<PartitionRef> now) {
        partitions.set(now.size());
    }

    /** Partitions held now, as last reported by the loop. */
    public int partitions() {
        return partitions.get();
    }
}
