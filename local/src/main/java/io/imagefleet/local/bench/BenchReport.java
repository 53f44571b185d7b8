package io.imagefleet.local.bench;

import io.imagefleet.worker.config.WorkerConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a bench's results as {@code report.md} with PNG charts into the results directory, and
 * as a short summary for the terminal. Stateless.
 */
final class BenchReport {
    /** The fleet's throughput target, as a fraction of the in-process pipeline's on the same cores. */
    static final double FLEET_TARGET = 0.95;
    private static final long MIB = 1L << 20;
    /** {@code IMAGEFLEET_RECYCLE_MAX_JOBS}'s default, to scale the recycle run's cost to. */
    private static final int DEFAULT_RECYCLE_JOBS = WorkerConfig.DEFAULT_RECYCLE_MAX_JOBS;

    private BenchReport() {
    }

    /** Writes report.md, throughput.png, latency.png and timeline.png; returns the report's path. */
    static Path write(BenchResults r, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> charts = new ArrayList<>();
        List<Run> throughputRuns = new ArrayList<>(r.inProcess());
        throughputRuns.addAll(r.fleet());
        throughputRuns.addAll(r.reference());
        if (!throughputRuns.isEmpty()) {
            Charts.throughput(throughputRuns, dir.resolve("throughput.png"));
            charts.add("![Throughput against processes](throughput.png)");
        }
        Map<String, Latencies> latencies = latencySeries(r);
        if (!latencies.isEmpty()) {
            Charts.latency(latencies, dir.resolve("latency.png"));
            charts.add("![Latency distribution](latency.png)");
        }
        if (!r.fleet().isEmpty()) {
            List<Run> timeline = new ArrayList<>(r.fleet());
            r.recyclingRun().ifPresent(timeline::add);
            List<Double> marks = r.recycling() == null ? List.of() : r.recycling().recycling().recycles().stream()
                    .map(x -> (x.startMs() - r.recycling().recycling().runStartMs()) / 1000.0).toList();
            Charts.timeline(timeline, marks, dir.resolve("timeline.png"));
            charts.add("![Images finished per second](timeline.png)");
        }
        Path report = dir.resolve("report.md");
        Files.writeString(report, markdown(r, charts), StandardCharsets.UTF_8);
        return report;
    }

    private static Map<String, Latencies> latencySeries(BenchResults r) {
        Map<String, Latencies> m = new LinkedHashMap<>();
        r.widestFleet().ifPresent(f -> m.put("fleet " + f.shape() + " at saturation (publish to result)", f.latencies()));
        if (r.openLoop() != null) {
            m.put(String.format(Locale.ROOT, "fleet %s open loop at %.2f jobs/s (publish to result)",
                    r.openLoop().shape(), r.openLoop().offeredRate()), r.openLoop().latencies());
        }
        r.inProcess().stream().reduce((a, b) -> b)
                .ifPresent(ip -> m.put("in-process " + ip.threads() + " thread(s) (service time)", ip.latencies()));
        m.values().removeIf(Latencies::isEmpty);
        return m;
    }

    static String markdown(BenchResults r, List<String> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# imagefleet bench\n\n");
        md.append(String.format(Locale.ROOT, "Started %s; took %d s. Command:%n%n```%n%s%n```%n%n", r.started(),
                r.took().toSeconds(), r.command()));
        md.append("## Machine\n\n");
        md.append("- ").append(r.machine().summary()).append('\n');
        md.append("- worker and in-process JVMs: `").append(r.jvm()).append("`, the same JVM as above\n");
        md.append("- pipeline codecs: ").append(r.codecs()).append('\n');
        r.versions().forEach((tool, v) -> md.append("- ").append(tool).append(": ").append(v).append('\n'));
        md.append(String.format(Locale.ROOT, "- load average (1 min): %.2f before, %.2f after "
                + "(the bench's own load included; other load on a shared machine lowers every figure)%n%n",
                r.loadBefore(), r.loadAfter()));

        ImageSet set = r.images();
        md.append("## Images and job\n\n");
        md.append(String.format(Locale.ROOT, "%s: %d images, %.1f MP in all, mean %.1f MP (%.1f to %.1f).%n",
                set.description(), set.size(), set.totalMegapixels(), set.meanMegapixels(),
                set.images().stream().mapToDouble(ImageSet.Image::megapixels).min().orElse(0),
                set.images().stream().mapToDouble(ImageSet.Image::megapixels).max().orElse(0)));
        md.append(String.format(Locale.ROOT, "Every system does the same job to each image: %s. "
                + "Each measured run takes the images in turn for %s (jobs started by then run to the end), after "
                + "%d s of warm-up that is not measured.%n%n", r.spec().describe(), r.length().describe(),
                r.warmup().toSeconds()));

        throughputTable(r, md);
        remoteSourcesTable(r, md);
        formatsTable(r, md);
        cpuTable(r, md);
        stageTable(r, md);
        threadTable(r, md);
        latencyTable(r, md);
        memoryTable(r, md);
        targets(r, md);
        recyclingSection(r, md);
        everyRun(r, md);
        md.append("## Charts\n\n");
        charts.forEach(c -> md.append(c).append("\n\n"));
        md.append("## How each figure is measured\n\n");
        md.append("""
                - **in-process**: the worker's pipeline (built as a worker builds it) in its own JVM with the workers' \
                JVM options, T threads taking jobs from a list; no Kafka. Time from the first job's start to the last \
                job's end. Latency is each job's service time.
                - **fleet**: `imagefleet worker --processes P --threads T` (the supervisor, in a JVM of its own, \
                with P worker JVMs of T threads in one consumer group and a spare), through the Kafka broker, on \
                fresh topics, recycling off (`IMAGEFLEET_RECYCLE_MAX_JOBS=0`, `IMAGEFLEET_RECYCLE_MAX_AGE=0s`) except \
                in the recycle run. At saturation every partition of the jobs topic is kept holding jobs without a result (a \
                new job published, keyed into that partition, as each is answered), at least %d per worker thread, \
                so every worker always has work queued. Time from the first job published to the last result's \
                timestamp; latency from publishing a job to its result's record timestamp (set by the worker when \
                it sends the result).
                - **open loop**: jobs published at a fixed rate, one every 1/rate s, whatever the fleet does; \
                latency as for the fleet.
                - **vipsthumbnail / convert**: N single-threaded processes at once (`VIPS_CONCURRENCY=1`, \
                `MAGICK_THREAD_LIMIT=1`), each taking every N-th image of the same sequence; vipsthumbnail takes up \
                to 32 files per invocation, convert one file per invocation. Time until the last process ends.
                - **peak RSS**: `VmHWM` from `/proc/<pid>/status`, the most each process ever had resident, read at \
                the end of its run (the supervisor and every worker JVM it runs, the spare included).
                - **recycling**: the widest fleet again, its worker JVMs recycling after about `--recycle-after` \
                jobs; the supervisor logs each recycle with its drain, rejoin and gap, and the bench reads them as \
                they come.
                """.formatted(FleetRun.QUEUED_PER_THREAD));
        return md.toString();
    }

    private static void throughputTable(BenchResults r, StringBuilder md) {
        md.append("## Throughput\n\n");
        md.append("| system | processes x threads | jobs | failed | seconds | images/s | MP/s "
                + "| vs in-process, same cores | vs vipsthumbnail, same processes | other load (cores) |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Run> runs = new ArrayList<>(r.inProcess());
        runs.addAll(r.fleet());
        r.recyclingRun().ifPresent(runs::add);
        runs.addAll(r.reference());
        for (Run run : runs) {
            String vsIn = run.system().equals("in-process") ? "" : ratio(run, r.inProcessOn(run.cores()));
            String vsVips = run.system().equals("vipsthumbnail") ? "" : ratio(run, r.reference("vipsthumbnail", run.cores()));
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.2f | %.1f | %s | %s | %s |%n",
                    run.system(), run.shape(), run.jobs(), run.failed(), run.seconds(), run.imagesPerSecond(),
                    run.megapixelsPerSecond(), vsIn, vsVips, others(run)));
        }
        md.append("""

                *Other load* is the CPU that processes outside the bench used during the run, in cores' worth \
                (from `/proc/stat` less the bench's own processes). On a machine shared with other work, a run \
                with other load is slowed by it: compare runs with none.

                """);
        for (Run run : runs) {
            if (run.failed() > 0) {
                md.append("- ").append(run.system()).append(' ').append(run.shape()).append(" failures: ")
                        .append(run.failures()).append('\n');
            }
        }
        md.append('\n');
    }

    /** With --formats: the same pictures as JPEG, HEIC and AVIF, through the pipeline and vipsthumbnail, in one run. */
    private static void formatsTable(BenchResults r, StringBuilder md) {
        if (r.formats().isEmpty()) {
            return;
        }
        md.append("## Source formats\n\nThe same pictures as JPEG and as HEIC (`heif-enc -q 50`) and AVIF (`avifenc -s 6`) "
                + "copies, through the pipeline in process (most threads) and vipsthumbnail (most processes), in this run; "
                + "the thumbnails are the same JPEGs.\n\n");
        md.append("| system | format | processes x threads | jobs | failed | images/s | MP/s | vs jpeg, same system "
                + "| vs vipsthumbnail, same format |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Run run : r.formats()) {
            String system = run.system().substring(0, run.system().lastIndexOf(' '));
            String format = run.system().substring(run.system().lastIndexOf(' ') + 1);
            Optional<Run> jpeg = r.formats().stream().filter(x -> x.system().equals(system + " jpeg")).findFirst();
            Optional<Run> vips = r.formats().stream().filter(x -> x.system().equals("vipsthumbnail " + format)).findFirst();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %.2f | %.1f | %s | %s |%n", system, format,
                    run.shape(), run.jobs(), run.failed(), run.imagesPerSecond(), run.megapixelsPerSecond(),
                    format.equals("jpeg") ? "" : ratio(run, jpeg), system.equals("vipsthumbnail") ? "" : ratio(run, vips)));
        }
        md.append('\n');
    }

    /** The widest fleet with each remote source against the same fleet reading files, in the same run. */
    private static void remoteSourcesTable(BenchResults r, StringBuilder md) {
        if (r.remoteSources().isEmpty()) {
            return;
        }
        md.append("## Remote sources\n\nThe widest fleet shape again, its sources served over the network instead of read "
                + "from files, with the same length and warm-up, in the same run. `http +L`: a local HTTP server that "
                + "answers each GET after L (an origin or a cross-region bucket); `s3`: the embedded S3 server on this "
                + "machine (S3Proxy, its own JVM), sources read from a bucket and outputs written to it.\n\n"
                + "| source | fleet | images/s | / file:// | mean fetch ms | mean store ms | other processes (cores) |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Run run : r.remoteSources()) {
            Optional<Run> file = r.fileRunLike(run);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %.0f | %.0f | %.2f |%n",
                    run.system().substring("fleet ".length()), run.shape(), run.imagesPerSecond(),
                    file.map(f -> String.format(Locale.ROOT, "%.2f", run.imagesPerSecond() / f.imagesPerSecond()))
                            .orElse("-"), run.stageMs().getOrDefault("fetch", 0.0), run.stageMs().getOrDefault("store", 0.0),
                    run.otherCores()));
        }
        r.remoteSources().stream().findFirst().flatMap(r::fileRunLike).ifPresent(f -> md.append(String.format(Locale.ROOT,
                "%nfile:// on the same fleet: %.2f images/s, mean fetch %.0f ms, store %.0f ms.%n",
                f.imagesPerSecond(), f.stageMs().getOrDefault("fetch", 0.0), f.stageMs().getOrDefault("store", 0.0))));
        md.append("\nWhat limits them: a job thread that fetches its source waits for the network with its core idle "
                + "unless fetching overlaps decoding (the consumer loop's stages), so the latency of each fetch is lost "
                + "throughput; the embedded S3 server also runs on the same cores as the fleet (its CPU is counted under "
                + "other processes), which an S3 service in production does not.\n\n");
    }

    private static void cpuTable(BenchResults r, StringBuilder md) {
        List<Run> runs = new ArrayList<>(r.inProcess());
        runs.addAll(r.fleet());
        if (runs.stream().allMatch(run -> run.cpuSeconds().isEmpty())) {
            return;
        }
        md.append("## CPU per image\n\n");
        md.append("CPU time each part used during the measured run, divided by the images it finished: "
                + "what the fleet spends beyond the pipeline itself.\n\n");
        md.append("| run | process | CPU ms per image | cores busy on average |\n|---|---|---:|---:|\n");
        for (Run run : runs) {
            run.cpuSeconds().forEach((role, s) -> md.append(String.format(Locale.ROOT, "| %s %s | %s | %.0f | %.2f |%n",
                    run.system(), run.shape(), role, s * 1000 / Math.max(1, run.jobs()),
                    s / Math.max(0.001, run.seconds()))));
        }
        md.append('\n');
    }

    private static void stageTable(BenchResults r, StringBuilder md) {
        List<Run> runs = new ArrayList<>(r.inProcess());
        runs.addAll(r.fleet());
        if (r.openLoop() != null) {
            runs.add(r.openLoop());
        }
        runs.removeIf(run -> run.stageMs().isEmpty());
        if (runs.isEmpty()) {
            return;
        }
        md.append("## Pipeline stages\n\n");
        md.append("Mean ms per image in each stage, from the timings every result carries (queued: from the job's "
                + "record timestamp to the start of work; total excludes it).\n\n| run |");
        StageTimes.STAGES.forEach(st -> md.append(' ').append(st).append(" |"));
        md.append("\n|---|");
        StageTimes.STAGES.forEach(st -> md.append("---:|"));
        md.append('\n');
        for (Run run : runs) {
            md.append("| ").append(run.system()).append(' ').append(run.shape()).append(" |");
            StageTimes.STAGES.forEach(st -> md.append(String.format(Locale.ROOT, " %.1f |",
                    run.stageMs().getOrDefault(st, 0.0))));
            md.append('\n');
        }
        md.append('\n');
    }

    private static void everyRun(BenchResults r, StringBuilder md) {
        if (r.every().isEmpty()) {
            return;
        }
        md.append("## Every repetition\n\nThe tables above keep the fastest run of each system and shape (the open loop: "
                + "the one with the least other load). All of them, by system in the order they ran:\n\n");
        md.append("| system | processes x threads | images/s | MP/s | seconds | other load (cores) |\n"
                + "|---|---|---:|---:|---:|---:|\n");
        for (Run run : r.every()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.1f | %.1f | %s |%n", run.system(), run.shape(),
                    run.imagesPerSecond(), run.megapixelsPerSecond(), run.seconds(), others(run)));
        }
        md.append('\n');
    }

    private static void threadTable(BenchResults r, StringBuilder md) {
        List<Run> runs = new ArrayList<>(r.inProcess());
        runs.addAll(r.fleet());
        r.recyclingRun().ifPresent(runs::add);
        if (runs.stream().allMatch(run -> run.threadUse().isEmpty())) {
            return;
        }
        md.append("## Job threads\n\n");
        md.append("How much of each run the job threads spent inside jobs (the pipeline's own time, from the results' "
                + "timings), and, for one-thread workers, the gaps between one job's end and the next one's start. "
                + "A worker whose partitions run dry waits for work even when another has a backlog: jobs go to "
                + "partitions by key, and a consumer group does not move work between members.\n\n");
        md.append("| run | process | jobs | in jobs | gap p50 ms | gap p90 ms | gap max ms |\n"
                + "|---|---|---:|---:|---:|---:|---:|\n");
        for (Run run : runs) {
            for (ThreadUse u : run.threadUse()) {
                md.append(String.format(Locale.ROOT, "| %s %s | %s | %d | %.2f | %s | %s | %s |%n", run.system(),
                        run.shape(), u.name(), u.jobs(), u.inJob(), gap(u.gapP50()), gap(u.gapP90()), gap(u.gapMax())));
            }
        }
        md.append('\n');
    }

    private static String gap(long ms) {
        return ms < 0 ? "" : Long.toString(ms);
    }

    private static void latencyTable(BenchResults r, StringBuilder md) {
        md.append("## Latency\n\n");
        md.append("| run | jobs | offered | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|\n");
        List<Run> rows = new ArrayList<>(r.fleet());
        r.recyclingRun().ifPresent(rows::add);
        if (r.openLoop() != null) {
            rows.add(r.openLoop());
        }
        rows.addAll(r.inProcess());
        for (Run run : rows) {
            Latencies l = run.latencies();
            String what = switch (run.system()) {
                case "fleet" -> "fleet " + run.shape() + " at saturation, publish to result";
                case "fleet recycling" -> "fleet " + run.shape() + " at saturation while recycling, publish to result";
                case "fleet open loop" -> "fleet " + run.shape() + " open loop, publish to result";
                default -> "in-process " + run.threads() + " thread(s), service time";
            };
            String offered = run.offeredRate() > 0 ? String.format(Locale.ROOT, "%.2f jobs/s", run.offeredRate())
                    : run.system().startsWith("fleet") ? "saturation" : "all at once";
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %d | %d |%n", what, l.count(), offered,
                    l.percentile(50), l.percentile(95), l.percentile(99), l.max()));
        }
        md.append('\n');
    }

    private static void memoryTable(BenchResults r, StringBuilder md) {
        md.append("## Memory\n\n");
        md.append(String.format(Locale.ROOT, "Worker and in-process JVMs run with `%s`, the supervisor with `-Xmx%s`. "
                + "Each worker JVM should stay within %d MiB of resident memory (`--rss-limit`; by default its share "
                + "of a pod for its heap, the heap / 0.6 or the heap + 384 MiB, the larger, which is also where the "
                + "supervisor recycles it). For the recycle "
                + "run, the JVMs alive at its end.%n%n", r.jvm(),
                r.supervisorHeap(), r.rssLimit() / MIB));
        md.append("| process | peak RSS | RSS at the end | within the worker limit |\n|---|---:|---:|---|\n");
        List<Run> runs = new ArrayList<>(r.inProcess());
        runs.addAll(r.fleet());
        r.recyclingRun().ifPresent(runs::add);
        for (Run run : runs) {
            for (ProcessMemory m : run.memory()) {
                boolean worker = m.name().contains("worker JVM");
                md.append(String.format(Locale.ROOT, "| %s | %d MiB | %d MiB | %s |%n", m.name(), m.peakBytes() / MIB,
                        m.rssBytes() / MIB, !worker ? "" : m.peakBytes() <= r.rssLimit() ? "yes" : "**no**"));
            }
        }
        md.append('\n');
    }

    private static void recyclingSection(BenchResults r, StringBuilder md) {
        if (r.recycling() == null) {
            return;
        }
        Run run = r.recycling().saturation();
        RecycleFigures f = r.recycling().recycling();
        md.append("## Recycling\n\n");
        md.append(String.format(Locale.ROOT, "A run of fleet %s whose worker JVMs recycle after about %s jobs each "
                + "(`IMAGEFLEET_RECYCLE_MAX_JOBS`, with its jitter): %d recycles in %.1f s. The gap is the "
                + "supervisor's own figure: from the old JVM's last answered job (or the grant, if the slot had run out of jobs before "
                + "it) to the new JVM's first started job; "
                + "drain from letting the slot go to the old JVM's exit; rejoin from that exit to the new JVM's "
                + "partitions.%n%n", run.shape(), r.recycleAfter(), f.recycles().size(), run.seconds()));
        md.append("| figure | p50 | p90 | worst |\n|---|---:|---:|---:|\n");
        for (var row : List.of(Map.entry("gap between jobs (ms)", f.gaps()), Map.entry("drain (ms)", f.drains()),
                Map.entry("rejoin (ms)", f.rejoins()))) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d |%n", row.getKey(), row.getValue().percentile(50),
                    row.getValue().percentile(90), row.getValue().max()));
        }
        md.append('\n');
        Optional<Run> plain = r.fleet().stream().filter(x -> x.shape().equals(run.shape())).findFirst();
        md.append(String.format(Locale.ROOT, "Throughput while a recycle was under way (from the grant to the new "
                + "JVM's first job; the old JVM's drain finishes the jobs it had fetched, so that span holds its last "
                + "jobs as well as the gap): %.2f images/s, against %.2f the rest of the run (a dip of %.0f%%).",
                f.duringPerSecond(), f.otherwisePerSecond(), 100 * f.dip()));
        plain.ifPresent(p -> {
            double lost = (p.imagesPerSecond() - run.imagesPerSecond()) * run.seconds() / Math.max(1, f.recycles().size());
            md.append(String.format(Locale.ROOT, " The whole run: %.2f images/s, against %.2f for the same fleet "
                    + "without recycling (%.0f%% lower), about %.0f images of throughput per recycle (the gap, the "
                    + "new JVM's first jobs, and the CPU a new spare JVM takes to start). At the default of a recycle every %d jobs "
                    + "per worker JVM that would be %.1f%% of throughput.", run.imagesPerSecond(), p.imagesPerSecond(),
                    100 * (1 - run.imagesPerSecond() / p.imagesPerSecond()), lost, DEFAULT_RECYCLE_JOBS,
                    100 * lost / DEFAULT_RECYCLE_JOBS));
        });
        md.append("\n\n");
    }

    private static void targets(BenchResults r, StringBuilder md) {
        md.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        md.append("| fleet >= ").append(FLEET_TARGET).append("x the in-process pipeline on the same cores | ");
        Optional<Run> widest = r.widestFleet();
        Optional<Run> same = widest.flatMap(f -> r.inProcessOn(f.cores()));
        if (widest.isPresent() && same.isPresent()) {
            double ratio = widest.get().imagesPerSecond() / same.get().imagesPerSecond();
            md.append(String.format(Locale.ROOT, "fleet %s %.2f images/s / in-process %d threads %.2f images/s = %.2f | %s |%n",
                    widest.get().shape(), widest.get().imagesPerSecond(), same.get().threads(),
                    same.get().imagesPerSecond(), ratio, ratio >= FLEET_TARGET ? "yes" : "**no**"));
        } else {
            md.append("not measured: needs a fleet run and an in-process run on as many threads as it has cores | - |\n");
        }
        widest.ifPresent(f -> r.inProcessOn(f.cores()).ifPresent(ip -> cpuRatio(f, ip).ifPresent(ratio ->
                md.append(String.format(Locale.ROOT, "| the same, from CPU per image (what other load on the machine "
                        + "moves least) | in-process %.0f ms / fleet %s %.0f ms (workers, broker and the bench's publisher and reader) = %.2f | %s |%n",
                        cpuPerImage(ip), f.shape(), cpuPerImage(f), ratio, ratio >= FLEET_TARGET ? "yes" : "**no**")))));
        rssTarget(r, md);
        if (r.recycling() != null && !r.recycling().recycling().gaps().isEmpty()) {
            Latencies gaps = r.recycling().recycling().gaps();
            md.append(String.format(Locale.ROOT, "| recycle gap under 1 s median | median %d ms, worst %d ms over %d "
                    + "recycles (fleet %s) | %s |%n%n", gaps.percentile(50), gaps.max(), gaps.count(),
                    r.recycling().saturation().shape(), gaps.percentile(50) < 1000 ? "yes" : "**no**"));
        } else {
            md.append("| recycle gap under 1 s median | not measured: no recycle run (--recycle-after 0), or no "
                    + "recycle in it | - |\n\n");
        }
        widest.ifPresent(f -> md.append(whereTheCoresWent(f, r.inProcessOn(f.cores()))));
    }

    /** What the fleet's run spent its CPU on, against the in-process pipeline's CPU per image. */
    static String whereTheCoresWent(Run fleet, Optional<Run> inProcess) {
        if (fleet.cpuSeconds().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "Where the cores went during fleet %s (%.1f s on %d cores):", fleet.shape(), fleet.seconds(),
                Runtime.getRuntime().availableProcessors()));
        fleet.cpuSeconds().forEach((role, s) -> sb.append(String.format(Locale.ROOT, " %s %.2f cores;", role,
                s / Math.max(0.001, fleet.seconds()))));
        if (fleet.otherCores() >= 0) {
            sb.append(String.format(Locale.ROOT, " other processes %.2f cores.", fleet.otherCores()));
        }
        Double workers = fleet.cpuSeconds().get("worker JVMs");
        inProcess.ifPresent(ip -> {
            Double own = ip.cpuSeconds().get("in-process JVM");
            if (workers != null && own != null && fleet.jobs() > 0 && ip.jobs() > 0) {
                sb.append(String.format(Locale.ROOT, " The worker JVMs used %.0f ms of CPU per image, the in-process "
                        + "JVM %.0f ms; the workers were busy %.2f of their %d cores.", workers * 1000 / fleet.jobs(),
                        own * 1000 / ip.jobs(), workers / Math.max(0.001, fleet.seconds()), fleet.cores()));
            }
        });
        return sb.append("\n\n").toString();
    }

    /** CPU ms per image of every process of a run, summed; 0 when not measured. */
    static double cpuPerImage(Run run) {
        return run.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum() * 1000 / Math.max(1, run.jobs());
    }

    /** In-process CPU per image over the fleet's: the throughput ratio the fleet would reach with the cores to itself. */
    static Optional<Double> cpuRatio(Run fleet, Run inProcess) {
        double f = cpuPerImage(fleet);
        double i = cpuPerImage(inProcess);
        return f > 0 && i > 0 ? Optional.of(i / f) : Optional.empty();
    }

    private static void rssTarget(BenchResults r, StringBuilder md) {
        List<ProcessMemory> workers = r.fleet().stream().flatMap(f -> f.memory().stream())
                .filter(m -> !m.name().startsWith("supervisor")).toList();
        long peak = workers.stream().mapToLong(ProcessMemory::peakBytes).max().orElse(0);
        long supervisor = r.fleet().stream().flatMap(f -> f.memory().stream())
                .filter(m -> m.name().startsWith("supervisor")).mapToLong(ProcessMemory::peakBytes).max().orElse(0);
        if (workers.isEmpty()) {
            md.append("| peak RSS of each worker JVM within its configured limit | not measured: no fleet run | - |\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "| peak RSS of each worker JVM within its configured limit | largest "
                + "worker peak %d MiB against %d MiB (`%s`); the supervisor's peak %d MiB | %s |%n", peak / MIB,
                r.rssLimit() / MIB, r.jvm(), supervisor / MIB, peak <= r.rssLimit() ? "yes" : "**no**"));
    }

    private static String others(Run run) {
        return run.otherCores() < 0 ? "?" : String.format(Locale.ROOT, "%.2f", run.otherCores());
    }

    private static String ratio(Run run, Optional<Run> base) {
        return base.filter(b -> b.imagesPerSecond() > 0)
                .map(b -> String.format(Locale.ROOT, "%.2f", run.imagesPerSecond() / b.imagesPerSecond())).orElse("");
    }

    /** A few lines for the terminal. */
    static void summary(BenchResults r, Path report, PrintStream out) {
        out.println("codecs: " + r.codecs());
        out.printf(Locale.ROOT, "bench: %d images (%.1f MP), %s per run%s, %s%n", r.images().size(),
                r.images().totalMegapixels(), r.length().describe(),
                r.every().isEmpty() ? "" : " (the fastest of the repetitions)", r.spec().describe());
        r.all().forEach(run -> {
            String lat = run.latencies().isEmpty() || run.system().equals("in-process") ? ""
                    : String.format(Locale.ROOT, "  latency p50/p95/p99 %d/%d/%d ms", run.latencies().percentile(50),
                    run.latencies().percentile(95), run.latencies().percentile(99));
            String offered = run.offeredRate() > 0 ? String.format(Locale.ROOT, " at %.2f/s", run.offeredRate()) : "";
            String busy = run.otherCores() > 0.1
                    ? String.format(Locale.ROOT, "  (other processes took %.2f cores)", run.otherCores()) : "";
            out.printf(Locale.ROOT, "  %-16s %-5s %7.2f images/s %7.1f MP/s%s%s%s%s%n", run.system(), run.shape(),
                    run.imagesPerSecond(), run.megapixelsPerSecond(), offered, lat,
                    run.failed() == 0 ? "" : "  " + run.failed() + " FAILED", busy);
        });
        r.widestFleet().ifPresent(f -> {
            r.inProcessOn(f.cores()).ifPresent(ip -> out.printf(Locale.ROOT,
                    "  fleet/in-process on %d cores: %.2f (target %.2f); from CPU per image: %s%n", f.cores(),
                    f.imagesPerSecond() / ip.imagesPerSecond(), FLEET_TARGET,
                    cpuRatio(f, ip).map(x -> String.format(Locale.ROOT, "%.2f", x)).orElse("not measured")));
            r.reference("vipsthumbnail", f.cores()).ifPresent(v -> out.printf(Locale.ROOT,
                    "  fleet/vipsthumbnail on %d cores: %.2f%n", f.cores(), f.imagesPerSecond() / v.imagesPerSecond()));
            f.memory().stream().filter(m -> !m.name().startsWith("supervisor")).mapToLong(ProcessMemory::peakBytes).max()
                    .ifPresent(p -> out.printf(Locale.ROOT, "  worker peak RSS: up to %d MiB (limit %d MiB; %s)%n",
                            p / MIB, r.rssLimit() / MIB, r.jvm()));
            f.memory().stream().filter(m -> m.name().startsWith("supervisor")).findFirst().ifPresent(m ->
                    out.printf(Locale.ROOT, "  supervisor peak RSS: %d MiB (-Xmx%s)%n", m.peakBytes() / MIB,
                            r.supervisorHeap()));
        });
        r.formats().forEach(run -> out.printf(Locale.ROOT, "  %-22s %-5s %7.2f images/s %7.1f MP/s%s%n", run.system(),
                run.shape(), run.imagesPerSecond(), run.megapixelsPerSecond(),
                run.failed() == 0 ? "" : "  " + run.failed() + " FAILED"));
        r.remoteSources().forEach(run -> r.fileRunLike(run).ifPresent(f -> out.printf(Locale.ROOT,
                "  %s %s: %.2f images/s = %.2f of file:// (%.2f)%n", run.system(), run.shape(), run.imagesPerSecond(),
                run.imagesPerSecond() / f.imagesPerSecond(), f.imagesPerSecond())));
        if (r.recycling() != null) {
            RecycleFigures f = r.recycling().recycling();
            out.printf(Locale.ROOT, "  recycling: %d recycles, gap between jobs p50 %d ms, worst %d ms; throughput "
                    + "during recycles %.0f%% lower%n", f.recycles().size(), f.gaps().percentile(50), f.gaps().max(),
                    100 * f.dip());
        }
        out.println("report: " + report.toAbsolutePath());
    }
}
