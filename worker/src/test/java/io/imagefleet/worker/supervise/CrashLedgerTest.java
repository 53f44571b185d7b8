package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.JobRef;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CrashLedgerTest {
    private final JobRef a = new JobRef("jobs", 0, 7, "a");
    private final JobRef b = new JobRef("jobs", 1, 3, "b");

    @Test
    void crashed_twiceWithTheSameRecord_givesUpOnItAndKeepsTheHistory() {
        CrashLedger ledger = new CrashLedger(2);

        assertThat(ledger.crashed("slot-0 exit 137 (SIGKILL)", List.of(a, b))).isTrue();
        assertThat(ledger.suspects()).extracting(ControlMessage.Suspect::giveUp).containsExactly(false, false);
        ledger.crashed("slot-0 exit 3 (out of memory)", List.of(a));

        assertThat(ledger.suspects()).containsExactly(
                new ControlMessage.Suspect(a, 2, true, "slot-0 exit 137 (SIGKILL); slot-0 exit 3 (out of memory)"),
                new ControlMessage.Suspect(b, 1, false, "slot-0 exit 137 (SIGKILL)"));
    }

    @Test
    void answered_suspect_leavesTheLedger() {
        CrashLedger ledger = new CrashLedger(2);
        ledger.crashed("slot-1 exit 134 (SIGABRT)", List.of(a, b));

        assertThat(ledger.answered(new JobRef("jobs", 0, 7, ""))).isTrue();
        assertThat(ledger.answered(a)).isFalse();
        assertThat(ledger.suspects()).extracting(s -> s.job().jobId()).containsExactly("b");
    }

    @Test
    void crashed_nothingInFlight_changesNothing() {
        CrashLedger ledger = new CrashLedger(2);

        assertThat(ledger.crashed("slot-0 exit 137 (SIGKILL)", List.of())).isFalse();
        assertThat(ledger.suspects()).isEmpty();
    }
}
