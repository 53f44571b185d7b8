package io.imagefleet.worker;

import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.pipeline.PipelineWarmUp;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerPipelineTest {
    private final MemoryBudget budget = new MemoryBudget(512L << 20, System::nanoTime);

    private WorkerPipeline pipeline() {
        return new WorkerPipeline(WorkerConfig.fromEnv(Map.of()), "test-host", budget, (id, thread, overdue) -> { },
                NativeCodecs.load(false, false), Map.of());
    }

    @Test
    void warmUp_defaultConfig_runsEveryJobOffTheWorkersBudget() {
        try (WorkerPipeline pipeline = pipeline()) {
            // A cap far above the warm-up's own 3 s: the machine running the tests may be busy.
            PipelineWarmUp.Report report = pipeline.warmUp(WorkerPipeline.WARM_UP_JOBS, Duration.ofSeconds(60));

            assertThat(report.failure()).isNull();
            assertThat(report.capped()).isFalse();
            assertThat(report.succeeded()).isEqualTo(WorkerPipeline.WARM_UP_JOBS);
            // The worker's budget (its high water is reported when it exits, its meters are served) saw nothing.
            assertThat(budget.admitted()).isZero();
            assertThat(budget.highWater()).isZero();
        }
    }

    @Test
    void warmUp_goCameWithTheStart_runsNoJob() {
        try (WorkerPipeline pipeline = pipeline()) {
            assertThat(pipeline.warmUp(() -> true)).isNull();
        }
    }
}
