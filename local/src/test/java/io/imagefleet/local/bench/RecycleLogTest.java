package io.imagefleet.local.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecycleLogTest {
    @Test
    void note_supervisorRecycleLines_recycleWithItsFiguresAndTimes() {
        RecycleLog log = new RecycleLog();

        log.note("12:00:01.000 INFO  [supervisor] i.i.w.s.Supervisor - slot-1 asks to recycle: max-jobs (answered 50)", 900);
        log.note("12:00:01.100 INFO  [supervisor] i.i.w.s.Supervisor - slot-1 recycles now: max-jobs", 1000);
        log.note("slot-1| 12:00:01.200 INFO  [main] i.i.w.WorkerMain - recycling", 1100);
        log.note("12:00:01.400 INFO  [supervisor] i.i.w.s.Supervisor - slot-1 recycled (max-jobs): drained in 120 ms, "
                + "rejoined in 95 ms, gap between jobs 230 ms", 1400);
        log.note("12:00:09.000 INFO  [supervisor] i.i.w.s.Supervisor - slot-0 recycled (rss): drained in 80 ms, "
                + "rejoined in ? ms, gap between jobs ? ms", 9000);

        assertThat(log.recycles()).containsExactly(
                new RecycleLog.Recycle(1, "max-jobs", 1000, 1400, 120, 95, 230),
                new RecycleLog.Recycle(0, "rss", 9000, 9000, 80, -1, -1));
    }
}
