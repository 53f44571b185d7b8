package io.imagefleet.local.bench;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SupervisorProcessTest {

    @Test
    void noteRole_supervisorLines_nameEachJvmByWhatItIsNow() {
        Map<Long, String> roles = new HashMap<>();
        for (String line : new String[] {
                "09:01:00.100 INFO  [imagefleet-supervisor] i.i.w.supervise.Children - training the AOT cache for worker "
                        + "JVMs with aot-training#0 (pid 5)",
                "09:01:00.120 INFO  [imagefleet-supervisor] i.i.w.supervise.Children - slot-0 started slot-0#1 (pid 6)",
                "09:01:00.130 INFO  [imagefleet-supervisor] i.i.w.supervise.Children - spare started spare#0 (pid 7)",
                "slot-0| 09:01:01.000 INFO  [main] i.i.worker.SlotWorker - worker vm/slot-0 consuming",
                "09:01:09.195 INFO  [imagefleet-supervisor] i.i.w.supervise.Children - spare started spare#0 (pid 8)"}) {
            SupervisorProcess.noteRole(roles, line);
        }
        assertThat(roles).containsExactlyInAnyOrderEntriesOf(Map.of(5L, SupervisorProcess.TRAINER,
                6L, SupervisorProcess.WORKER, 7L, SupervisorProcess.SPARE, 8L, SupervisorProcess.SPARE));

        SupervisorProcess.noteRole(roles,
                "09:01:10.536 INFO  [imagefleet-supervisor] i.i.w.supervise.Children - slot-0 takes the spare slot-0#2 (pid 7)");

        assertThat(roles).containsEntry(7L, SupervisorProcess.WORKER).containsEntry(8L, SupervisorProcess.SPARE);
    }
}
