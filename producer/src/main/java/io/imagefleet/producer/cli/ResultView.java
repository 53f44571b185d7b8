package io.imagefleet.producer.cli;

import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.wire.Result;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * {@code results --follow} on a terminal: one readable line per result (time, ok or FAIL, job id,
 * source, outputs or the error, time taken, worker) above a status line kept at the bottom and
 * redrawn in place: how many results, how many failed by code, the rate over the last 10 seconds,
 * and latency percentiles. Colours and the in-place status line need a terminal ({@code ansi});
 * without them it prints the same lines and a status line every 100 results. Used by one thread.
 */
final class ResultView implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final long RATE_WINDOW_NANOS = 10_000_000_000L;
    private static final String GREEN = "\u001b[32m";
    private static final String RED = "\u001b[31m";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";
    private static final String CLEAR_LINE = "\r\u001b[K";

    private final PrintStream out;
    private final boolean ansi;
    private final LongSupplier nanos;
    private final Deque<Long> recent = new ArrayDeque<>();
    private final List<Long> totals = new ArrayList<>();
    private final Map<String, Integer> failures = new TreeMap<>();
    private long count;
    private String lastStatus;

    ResultView(PrintStream out, boolean ansi, LongSupplier nanos) {
        this.out = out;
        this.ansi = ansi;
        this.nanos = nanos;
        status();
    }

    void show(ReceivedResult received) {
        Result r = received.result();
        count++;
        recent.addLast(nanos.getAsLong());
        if (r.timings() != null) {
            totals.add(r.timings().totalMs());
        }
        if (!r.succeeded()) {
            failures.merge(r.error() == null ? "?" : r.error().code().name(), 1, Integer::sum);
        }
        String line = line(received);
        if (ansi) {
            out.print(CLEAR_LINE + line + "\n");
            lastStatus = null;
        } else {
            out.println(line);
            if (count % 100 == 0) {
                out.println("-- " + statusLine());
            }
        }
        status();
    }

    /** Redraws the status line (the rate changes with time even when no result comes). */
    void tick() {
        status();
    }

    String line(ReceivedResult received) {
        Result r = received.result();
        String when = TIME.format(Instant.ofEpochMilli(received.timestamp()));
        String mark = r.succeeded() ? paint(GREEN, "ok  ") : paint(RED, "FAIL");
        StringBuilder sb = new StringBuilder().append(when).append("  ").append(mark).append("  ").append(r.jobId());
        if (r.source() != null && r.source().width() != null) {
            sb.append("  ").append(r.source().format()).append(' ').append(r.source().width()).append('x')
                    .append(r.source().height());
        }
        if (r.succeeded()) {
            sb.append(" -> ").append(r.outputs().stream()
                    .map(o -> o.name() + " " + o.width() + "x" + o.height() + " " + o.format().wireName() + " " + kib(o.bytes()))
                    .collect(Collectors.joining(", ")));
        } else if (r.error() != null) {
            sb.append("  ").append(r.error().code()).append(": ").append(r.error().message());
        }
        if (r.timings() != null) {
            sb.append("  ").append(r.timings().totalMs()).append(" ms");
        }
        if (r.worker() != null) {
            sb.append("  ").append(paint(DIM, r.worker().id() + (r.worker().attempt() > 1 ? " attempt " + r.worker().attempt() : "")));
        }
        return sb.toString();
    }

    String statusLine() {
        long now = nanos.getAsLong();
        while (!recent.isEmpty() && now - recent.peekFirst() > RATE_WINDOW_NANOS) {
            recent.removeFirst();
        }
        StringBuilder sb = new StringBuilder();
        sb.append(count).append(" result(s), ").append(count - failures.values().stream().mapToInt(i -> i).sum())
                .append(" ok, ").append(failures.values().stream().mapToInt(i -> i).sum()).append(" failed");
        if (!failures.isEmpty()) {
            sb.append(" (").append(failures.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "))).append(')');
        }
        sb.append(String.format(Locale.ROOT, " | %.1f/s over the last 10 s", recent.size() / 10.0));
        if (!totals.isEmpty()) {
            List<Long> sorted = totals.stream().sorted().toList();
            sb.append(" | p50 ").append(percentile(sorted, 0.50)).append(" ms, p95 ").append(percentile(sorted, 0.95))
                    .append(" ms");
        }
        return sb.toString();
    }

    private void status() {
        if (!ansi) {
            return;
        }
        String s = statusLine();
        if (!s.equals(lastStatus)) {
            out.print(CLEAR_LINE + s);
            out.flush();
            lastStatus = s;
        }
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1 < 0 ? 0
                : (int) Math.ceil(p * sorted.size()) - 1));
    }

    private String paint(String colour, String text) {
        return ansi ? colour + text + RESET : text;
    }

    private static String kib(long bytes) {
        return bytes < 10 * 1024 ? bytes + " B" : (bytes + 512) / 1024 + " KiB";
    }

    @Override
    public void close() {
        if (ansi) {
            out.print(CLEAR_LINE + statusLine() + "\n");
        } else {
            out.println("-- " + statusLine());
        }
        out.flush();
    }
}
