package io.imagefleet.worker.metrics;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.consume.LoopListener;
import io.imagefleet.worker.consume.PartitionRef;
import io.imagefleet.worker.consume.RecordRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class JobMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final JobMeters meters = new JobMeters(registry);
    private final RecordRef record = new RecordRef("jobs", 0, 7);

    @Test
    void result_succeededAndFailed_countedByOutcomeAndCodeWithStageTimes() {
        meters.result(record, succeeded("a", 120, 4000));
        meters.result(record, succeeded("b", 80, 1000));
        meters.result(record, failed("c", ErrorCode.SOURCE_NOT_FOUND, true));
        meters.result(record, failed("d", ErrorCode.WORKER_CRASHED, false));

        assertThat(count("succeeded", "none")).isEqualTo(2);
        assertThat(count("failed", "SOURCE_NOT_FOUND")).isEqualTo(1);
        assertThat(count("failed", "WORKER_CRASHED")).isEqualTo(1);
        assertThat(count("failed", "TIMEOUT")).isZero();
        // Stage times come from results that have timings: the WORKER_CRASHED one has none.
        var decode = registry.get("imagefleet.stage.duration").tag("stage", "decode").timer();
        assertThat(decode.count()).isEqualTo(3);
        assertThat(decode.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120 + 80 + 5);
        assertThat(registry.get("imagefleet.job.duration").tag("outcome", "succeeded").timer().count()).isEqualTo(2);
        assertThat(registry.get("imagefleet.output.bytes").tag("format", "jpeg").summary().totalAmount()).isEqualTo(5000);
        assertThat(registry.get("imagefleet.source.bytes").summary().count()).isEqualTo(3);
    }

    @Test
    void jobRetried_retryableFailure_countedByCode() {
        PartitionRef tp = new PartitionRef("jobs", 0);
        meters.jobRetried(tp, 3, "a", ErrorCode.SOURCE_UNAVAILABLE, 1);
        meters.jobRetried(tp, 3, "a", ErrorCode.SOURCE_UNAVAILABLE, 2);
        meters.jobRetried(tp, 4, "b", ErrorCode.OUTPUT_FAILED, 1);

        assertThat(registry.get("imagefleet.retries").tag("code", "SOURCE_UNAVAILABLE").counter().count()).isEqualTo(2);
        assertThat(registry.get("imagefleet.retries").tag("code", "OUTPUT_FAILED").counter().count()).isEqualTo(1);
        assertThat(registry.get("imagefleet.retries").tag("code", "TIMEOUT").counter().count()).isZero();
    }

    @Test
    void bindPool_threadsAndBusy_readAtEachScrape() {
        int[] busy = {1};
        meters.bindPool(4, () -> busy[0]);
        busy[0] = 3;

        assertThat(registry.get("imagefleet.threads").gauge().value()).isEqualTo(4);
        assertThat(registry.get("imagefleet.threads.busy").gauge().value()).isEqualTo(3);
    }

    @Test
    void deadLetter_counted_byCode() {
        meters.deadLetter(record, ErrorCode.INVALID_JOB, 1);

        assertThat(registry.get("imagefleet.dead.letters").tag("code", "INVALID_JOB").counter().count()).isEqualTo(1);
    }

    @Test
    void loopEvents_inFlightAndPartitions_followTheLoop() {
        PartitionRef tp = new PartitionRef("jobs", 0);
        meters.jobStarted(tp, 1, "a");
        meters.jobStarted(tp, 2, "b");
        meters.jobEnded(tp, 1, "a", LoopListener.Outcome.ANSWERED);
        meters.assignmentChanged("assigned", List.of(tp), Set.of(tp, new PartitionRef("jobs", 1)));

        assertThat(registry.get("imagefleet.jobs.in.flight").gauge().value()).isEqualTo(1);
        assertThat(registry.get("imagefleet.partitions.assigned").gauge().value()).isEqualTo(2);
    }

    private double count(String outcome, String code) {
        return registry.get("imagefleet.jobs").tag("outcome", outcome).tag("code", code).counter().count();
    }

    private static Result succeeded(String id, long decodeMs, long outputBytes) {
        return new Result(1, id, Status.SUCCEEDED,
                List.of(new Result.OutputResult("thumb", "file:///out/" + id + ".jpg", Format.JPEG, 256, 171, outputBytes, "x")),
                new Result.SourceInfo("jpeg", 4000, 3000, 2_000_000L, null),
                new Result.Timings(3, 2, 1, 0, decodeMs, 9, 5, 1, decodeMs + 18), new Result.WorkerInfo("h/slot-0", 1),
                null, null);
    }

    private static Result failed(String id, ErrorCode code, boolean timed) {
        return new Result(1, id, Status.FAILED, List.of(), timed ? new Result.SourceInfo(null, null, null, 10L, null) : null,
                timed ? new Result.Timings(1, 5, 0, 0, 5, 0, 0, 0, 10) : null, new Result.WorkerInfo("h/slot-0", 1),
                Result.ErrorInfo.of(code, "because"), null);
    }
}
