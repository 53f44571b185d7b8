package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one final answer to a job, on its {@code replyTo} topic keyed by job id: the outputs made,
 * or the error that stopped it. Immutable.
 *
 * @param v        the schema version (1)
 * @param jobId    the job's id
 * @param status   succeeded or failed
 * @param outputs  one entry per output, in the job's order; when failed, the outputs written before the
 *                 failure (left in place; a re-run overwrites them), often none
 * @param source   what the source turned out to be, when it was read that far
 * @param timings  milliseconds spent queued and in each stage
 * @param worker   which worker JVM answered and on which attempt
 * @param error    why it failed (null when it succeeded)
 * @param metadata the job's metadata, echoed
 * @param warnings what the worker tolerated on the way (an unusable colour profile ignored, say); empty
 *                 when nothing was
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Result(
        Integer v,
        String jobId,
        Status status,
        List<OutputResult> outputs,
        SourceInfo source,
        Timings timings,
        WorkerInfo worker,
        ErrorInfo error,
        Map<String, Object> metadata,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {

    public Result {
        v = v == null ? Job.VERSION : v;
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        metadata = metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    /** A result without warnings. */
    public Result(Integer v, String jobId, Status status, List<OutputResult> outputs, SourceInfo source,
                  Timings timings, WorkerInfo worker, ErrorInfo error, Map<String, Object> metadata) {
        this(v, jobId, status, outputs, source, timings, worker, error, metadata, null);
    }

    /** Whether the job succeeded. */
    public boolean succeeded() {
        return status == Status.SUCCEEDED;
    }

    /** An output that was made and stored. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OutputResult(String name, String uri, Format format, int width, int height, long bytes, String sha256) {
    }

    /** The source as probed: its real format (from the bytes), size and length. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SourceInfo(String format, Integer width, Integer height, Long bytes, Integer frames) {
    }

    /**
     * Milliseconds per stage. {@code queuedMs} runs from the record's timestamp to the start of
     * work; {@code totalMs} is the sum of the stages after it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timings(long queuedMs, long fetchMs, long probeMs, long admitMs, long decodeMs,
                          long processMs, long encodeMs, long storeMs, long totalMs) {
    }

    /**
     * The worker JVM that answered ({@code host/slot-N}), the attempt number (1 for the first) and
     * the worker's version (null when unknown).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WorkerInfo(String id, int attempt, String version) {
        public WorkerInfo(String id, int attempt) {
            this(id, attempt, null);
        }
    }

    /** The error of a failed job; {@code retryable} tells whether the same job may succeed later. */
    public record ErrorInfo(ErrorCode code, String message, boolean retryable) {
        public static ErrorInfo of(ErrorCode code, String message) {
            return new ErrorInfo(code, message, code.retryable());
        }
    }
}
