package io.imagefleet.worker.kernel;

import io.imagefleet.worker.version.WorkerVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JobContextTest {
    @Test
    void workerInfo_anyJob_namesTheWorkerAttemptAndVersion() {
        var info = new JobContext("h/slot-2", 3, 0).workerInfo();

        assertThat(info.id()).isEqualTo("h/slot-2");
        assertThat(info.attempt()).isEqualTo(3);
        assertThat(info.version()).isEqualTo(WorkerVersion.current()).isNotEqualTo(WorkerVersion.UNKNOWN);
    }
}
