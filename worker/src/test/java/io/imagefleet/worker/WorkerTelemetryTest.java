package io.imagefleet.worker;

import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.control.LoopState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerTelemetryTest {

    @ParameterizedTest
    @EnumSource(ConsumerLoop.State.class)
    void wire_eachLoopState_isTheChannelsStateOfTheSameName(ConsumerLoop.State state) {
        LoopState wire = WorkerTelemetry.wire(state);

        assertThat(wire.name()).isEqualTo(state.name());
        assertThat(wire).isNotEqualTo(LoopState.UNKNOWN);
    }
}
