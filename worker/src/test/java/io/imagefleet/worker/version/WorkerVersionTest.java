package io.imagefleet.worker.version;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerVersionTest {
    @Test
    void current_builtByMaven_isTheProjectVersion() {
        assertThat(WorkerVersion.current()).isNotEqualTo(WorkerVersion.UNKNOWN).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void read_missingResource_isUnknown() {
        assertThat(WorkerVersion.read("no-such.properties")).isEqualTo(WorkerVersion.UNKNOWN);
    }
}
