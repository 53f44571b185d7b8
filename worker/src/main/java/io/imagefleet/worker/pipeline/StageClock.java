package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Result;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Times the stages of one job. Each {@link #lap} charges the time since the previous lap to a
 * stage, in whole milliseconds taken from the running total, so the stages always add up to
 * {@code totalMs} exactly. It also names the stage being entered in the thread's
 * {@link JobLogContext}. Used by one thread.
 */
final class StageClock {
    /** The stages of the pipeline, in order. */
    public enum Stage { FETCH, PROBE, ADMIT, DECODE, PROCESS, ENCODE, STORE }

    private final LongSupplier nanos;
    private final long start;
    private final Map<Stage, Long> millis = new EnumMap<>(Stage.class);
    private long lastMs;
    /** Time spent waiting between stages, left out of the stages and the total. */
    private long idleMs;
    private Stage last;
    private boolean failed;

    public StageClock(LongSupplier nanos) {
        this.nanos = nanos;
        this.start = nanos.getAsLong();
        JobLogContext.stage(Stage.FETCH);
    }

    /** Charges the time since the previous lap (or the start) to the stage. */
    public void lap(Stage stage) {
        long nowMs = nowMs();
        millis.merge(stage, nowMs - lastMs, Long::sum);
        lastMs = nowMs;
        last = stage;
        JobLogContext.stage(next());
    }

    /**
     * Ends a wait between stages (for a thread, after a fetch): the time since the previous lap
     * is charged to no stage and left out of the total; the caller adds it to the job's queued time.
     *
     * @return the milliseconds waited
     */
    public long idle() {
        long waited = nowMs() - lastMs;
        idleMs += waited;
        return waited;
    }

    private long nowMs() {
        return (nanos.getAsLong() - start) / 1_000_000 - idleMs;
    }

    /**
     * Charges the time since the previous lap to the stage the job failed in; the thread's
     * logging context keeps naming that stage, for the lines that report the failure.
     */
    public void fail(Stage stage) {
        lap(stage);
        failed = true;
        JobLogContext.stage(stage);
    }

    /**
     * The stage that follows the last lap: where a job that fails now was (after STORE comes
     * the next output's PROCESS).
     */
    public Stage next() {
        if (last == null) {
            return Stage.FETCH;
        }
        return last == Stage.STORE ? Stage.PROCESS : Stage.values()[last.ordinal() + 1];
    }

    public long millis(Stage stage) {
        return millis.getOrDefault(stage, 0L);
    }

    /**
     * The timings so far; {@code queuedMs} is measured by the caller. Asked for when the result
     * is made: from here on the thread's logging context says {@code answer} (unless the job
     * failed, when it keeps the stage of the failure).
     */
    public Result.Timings timings(long queuedMs) {
        if (!failed) {
            JobLogContext.answering();
        }
        return new Result.Timings(queuedMs, millis(Stage.FETCH), millis(Stage.PROBE), millis(Stage.ADMIT),
                millis(Stage.DECODE), millis(Stage.PROCESS), millis(Stage.ENCODE), millis(Stage.STORE), lastMs);
    }
}
