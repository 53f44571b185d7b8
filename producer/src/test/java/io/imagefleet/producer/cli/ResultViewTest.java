package io.imagefleet.producer.cli;

import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ResultViewTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicLong now = new AtomicLong();

    @Test
    void show_resultsWithoutATerminal_readableLinesAndAFinalStatus() {
        try (ResultView view = new ResultView(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, now::get)) {
            view.show(ok("cat-1", 120));
            now.addAndGet(2_000_000_000L);
            view.show(failed("dog-2", ErrorCode.SOURCE_NOT_FOUND));
        }

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d  ok    cat-1  jpeg 4000x3000 -> thumb 256x192 jpeg 14 KiB  120 ms  host/slot-0");
        assertThat(lines.get(1)).contains("FAIL  dog-2", "SOURCE_NOT_FOUND: file:///in/dog.jpg does not exist", "host/slot-1 attempt 2");
        assertThat(lines.get(2)).isEqualTo("-- 2 result(s), 1 ok, 1 failed (SOURCE_NOT_FOUND 1) | 0.2/s over the last 10 s"
                + " | p50 5 ms, p95 120 ms");
    }

    @Test
    void show_onATerminal_colouredAndStatusRedrawnInPlace() {
        ResultView view = new ResultView(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, now::get);
        view.show(ok("cat-1", 80));
        view.tick();

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("\u001b[32mok  \u001b[0m", "\r\u001b[K1 result(s), 1 ok, 0 failed");
        assertThat(text.split("\r\u001b\\[K1 result", -1)).as("unchanged status not redrawn").hasSize(2);
    }

    private static ReceivedResult ok(String id, long totalMs) {
        Result r = new Result(1, id, Status.SUCCEEDED,
                List.of(new Result.OutputResult("thumb", "file:///out/" + id + ".jpg", Format.JPEG, 256, 192, 14_000, "x")),
                new Result.SourceInfo("jpeg", 4000, 3000, 2_000_000L, null),
                new Result.Timings(1, 1, 1, 0, totalMs - 10, 4, 3, 1, totalMs), new Result.WorkerInfo("host/slot-0", 1),
                null, null);
        return new ReceivedResult(r, "{}", null, 1_700_000_000_000L, 0, 1);
    }

    private static ReceivedResult failed(String id, ErrorCode code) {
        Result r = new Result(1, id, Status.FAILED, List.of(), null, new Result.Timings(0, 5, 0, 0, 0, 0, 0, 0, 5),
                new Result.WorkerInfo("host/slot-1", 2), Result.ErrorInfo.of(code, "file:///in/dog.jpg does not exist"), null);
        return new ReceivedResult(r, "{}", null, 1_700_000_000_000L, 0, 2);
    }
}
