package io.imagefleet.local.demo;

import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.wire.Result;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The figures of a run (succeeded and failed by code, throughput, latency percentiles, jobs per
 * worker) and its contact sheet. Immutable once built.
 *
 * @param results    the first result of each job
 * @param publishedAt when each job was acknowledged by Kafka, epoch ms
 * @param elapsedMs   from the first publish to the last result
 * @param totalJobs   jobs published
 * @param duplicates  results seen for jobs that already had one
 */
public record DemoReport(Collection<ReceivedResult> results, Map<String, Long> publishedAt, long elapsedMs,
                         int totalJobs, int duplicates) {

    public long succeeded() {
        return results.stream().filter(r -> r.result().succeeded()).count();
    }

    public Map<String, Long> failuresByCode() {
        return results.stream().filter(r -> !r.result().succeeded())
                .collect(Collectors.groupingBy(r -> r.result().error().code().name(), TreeMap::new, Collectors.counting()));
    }

    public Map<String, Long> jobsPerWorker() {
        return results.stream().collect(Collectors.groupingBy(
                r -> r.result().worker() == null ? "?" : r.result().worker().id(), TreeMap::new, Collectors.counting()));
    }

    /** End-to-end latency of each job: publish acknowledged to result written, in ms, sorted. */
    public long[] latencies() {
        return results.stream().filter(r -> publishedAt.containsKey(r.result().jobId()))
                .mapToLong(r -> Math.max(0, r.timestamp() - publishedAt.get(r.result().jobId()))).sorted().toArray();
    }

    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    public double imagesPerSecond() {
        return elapsedMs <= 0 ? 0 : results.size() * 1000.0 / elapsedMs;
    }

    public double megapixelsPerSecond() {
        double mp = results.stream().filter(r -> r.result().source() != null && r.result().source().width() != null)
                .mapToDouble(r -> r.result().source().width() * (double) r.result().source().height() / 1e6).sum();
        return elapsedMs <= 0 ? 0 : mp * 1000.0 / elapsedMs;
    }

    public void print(PrintStream out) {
        long[] lat = latencies();
        out.printf(Locale.ROOT, "jobs:        %d published, %d answered (%d duplicate results)%n", totalJobs, results.size(), duplicates);
        out.printf(Locale.ROOT, "succeeded:   %d%n", succeeded());
        Map<String, Long> failed = failuresByCode();
        out.printf(Locale.ROOT, "failed:      %d%s%n", failed.values().stream().mapToLong(Long::longValue).sum(),
                failed.isEmpty() ? "" : " " + failed);
        out.printf(Locale.ROOT, "throughput:  %.2f images/s, %.1f MP/s over %.1f s%n", imagesPerSecond(),
                megapixelsPerSecond(), elapsedMs / 1000.0);
        out.printf(Locale.ROOT, "latency:     p50 %d ms, p95 %d ms, p99 %d ms (publish to result)%n",
                percentile(lat, 50), percentile(lat, 95), percentile(lat, 99));
        out.printf(Locale.ROOT, "per worker:  %s%n", jobsPerWorker());
    }

    /** Writes index.html in {@code dir}: each job's first output as a picture, with its figures. */
    public Path writeContactSheet(Path dir) throws IOException {
        return writeContactSheet(dir, Map.of());
    }

    /** The same, showing the local copy of each output URI that has one (outputs read back from a store). */
    public Path writeContactSheet(Path dir, Map<String, Path> localCopies) throws IOException {
        Path index = dir.resolve("index.html");
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>imagefleet demo</title><style>")
                .append("body{font-family:sans-serif;margin:1em;background:#fafafa}")
                .append(".grid{display:flex;flex-wrap:wrap;gap:12px}")
                .append("figure{margin:0;width:260px;background:#fff;padding:6px;box-shadow:0 1px 3px #0003}")
                .append("figure img{max-width:256px;max-height:256px;display:block;margin:auto}")
                .append("figcaption{font-size:12px;color:#333;margin-top:4px}.failed{color:#b00}")
                .append("</style></head><body>");
        html.append("<h1>imagefleet demo</h1><p>").append(escape(summaryLine())).append("</p><div class=\"grid\">");
        List<ReceivedResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing(r -> r.result().jobId()));
        for (ReceivedResult rr : sorted) {
            Result r = rr.result();
            html.append("<figure>");
            if (r.succeeded() && !r.outputs().isEmpty()) {
                Result.OutputResult o = r.outputs().get(0);
                html.append("<img loading=\"lazy\" src=\"").append(escape(relative(dir, localCopies.containsKey(o.uri()) ? localCopies.get(o.uri()).toUri().toString() : o.uri()))).append("\" alt=\"")
                        .append(escape(r.jobId())).append("\">");
                html.append("<figcaption><b>").append(escape(r.jobId())).append("</b><br>");
                if (r.source() != null) {
                    html.append(r.source().width()).append('x').append(r.source().height()).append(' ').append(r.source().format());
                }
                html.append(" &rarr; ").append(r.outputs().stream().map(x -> x.name() + " " + x.width() + "x" + x.height())
                        .collect(Collectors.joining(", ")));
                if (r.timings() != null) {
                    html.append("<br>").append(r.timings().totalMs()).append(" ms (decode ").append(r.timings().decodeMs())
                            .append(" ms)");
                }
                html.append("<br>").append(escape(r.worker() == null ? "" : r.worker().id()));
            } else {
                html.append("<figcaption class=\"failed\"><b>").append(escape(r.jobId())).append("</b><br>")
                        .append(escape(r.error() == null ? "no output" : r.error().code() + ": " + r.error().message()));
            }
            html.append("</figcaption></figure>");
        }
        html.append("</div></body></html>\n");
        Files.writeString(index, html, StandardCharsets.UTF_8);
        return index;
    }

    private String summaryLine() {
        long[] lat = latencies();
        return String.format(Locale.ROOT, "%d jobs, %d succeeded, %d failed; %.2f images/s; latency p50 %d ms, p95 %d ms, p99 %d ms",
                totalJobs, succeeded(), results.size() - succeeded(), imagesPerSecond(), percentile(lat, 50),
                percentile(lat, 95), percentile(lat, 99));
    }

    private static String relative(Path dir, String uri) {
        try {
            Path p = Path.of(URI.create(uri));
            return dir.toRealPath().relativize(p).toString();
        } catch (IOException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return uri;
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
