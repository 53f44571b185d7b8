package io.imagefleet.producer.cli;

import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.config.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code imagefleet results}: prints results as JSON lines, from the beginning of the topic (or
 * from the end with {@code --follow}); {@code --await N} stops after N distinct jobs. With
 * {@code --follow} on a terminal it shows a live view instead (a readable line per result and a
 * status line); JSON lines still go to {@code --out}, or to stdout with {@code --json} or when
 * stdout is not a terminal.
 */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = "Consume results and print them as JSON lines.")
public final class ResultsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--follow", description = "Keep reading new results until interrupted (starts at the end unless --from says otherwise).")
    boolean follow;

    @Option(names = "--await", paramLabel = "N", description = "Exit after results for N distinct jobs (exit 1 if --timeout passes first).")
    Integer await;

    @Option(names = "--job-id", paramLabel = "ID", description = "Only these jobs (repeatable).")
    List<String> jobIds = List.of();

    @Option(names = "--from", description = "beginning, end, or an ISO-8601 instant (default: beginning; end with --follow).")
    String from;

    @Option(names = "--timeout", description = "How long --await waits (default 10m).")
    String timeout = "10m";

    @Option(names = "--out", description = "Write the JSON lines to this file instead of stdout.")
    Path out;

    @Option(names = "--json", description = "With --follow on a terminal: JSON lines on stdout rather than the live view.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        ResultReader.Start start = start();
        Set<String> wanted = Set.copyOf(jobIds);
        int goal = await != null ? await : (!wanted.isEmpty() && !follow ? wanted.size() : -1);
        long deadline = goal > 0 ? System.nanoTime() + Durations.parse(timeout).toNanos() : Long.MAX_VALUE;
        Set<String> seen = new HashSet<>();
        boolean live = follow && !json && Progress.stdoutOnTerminal();
        try (OutputStream sink = out == null ? null : Files.newOutputStream(out);
             PrintStream print = sink == null ? (live ? null : System.out) : new PrintStream(sink, true, StandardCharsets.UTF_8);
             ResultReader reader = new ResultReader(kafka.kafka(), kafka.topics().results(), start);
             ResultView view = live ? new ResultView(System.out, true, System::nanoTime) : null;
             Progress progress = goal > 1 && !live ? Progress.start("results", goal, "jobs") : null) {
            while (System.nanoTime() < deadline) {
                for (ReceivedResult r : reader.poll(Duration.ofMillis(200))) {
                    String id = r.result().jobId();
                    if (!wanted.isEmpty() && !wanted.contains(id)) {
                        continue;
                    }
                    if (print != null) {
                        print.println(r.json());
                    }
                    if (view != null) {
                        view.show(r);
                    }
                    if (seen.add(id) && progress != null) {
                        progress.step();
                    }
                }
                if (view != null) {
                    view.tick();
                }
                if (goal > 0 && seen.size() >= goal) {
                    return 0;
                }
                if (goal < 0 && !follow && reader.caughtUp()) {
                    return 0;
                }
            }
        }
        System.err.println("timed out after " + timeout + " with results for " + seen.size() + " of " + goal + " jobs");
        return 1;
    }

    private ResultReader.Start start() {
        String f = from != null ? from : (follow ? "end" : "beginning");
        return switch (f) {
            case "beginning" -> new ResultReader.Start.Beginning();
            case "end" -> new ResultReader.Start.End();
            default -> new ResultReader.Start.At(Instant.parse(f).toEpochMilli());
        };
    }
}
