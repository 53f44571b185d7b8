package io.imagefleet.local.bench;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.local.broker.EmbeddedBroker;
import io.imagefleet.local.bench.BenchSettings.Part;
import io.imagefleet.local.bench.BenchSettings.Shape;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One bench: the image set, then the in-process runs, the fleet runs (with the open-loop run on
 * the widest fleet) and the reference tools, one after the other so that none competes with
 * another for the cores. Generated images and outputs live in a temporary directory that is
 * removed at the end; logs go to {@code logs/} in the results directory. Not thread-safe.
 */
final class Bench {
    private final BenchSettings settings;
    private final String command;
    private final String searchPath;
    private final PrintStream log;
    private final List<SourceServers.Kind> sources;
    private final Duration sourceLatency;
    private final List<FormatCopies.SourceFormat> formats;
    private String codecs = "not recorded (the in-process part did not run)";

    /**
     * @param command    the command line, for the report
     * @param searchPath the PATH in which to look for the reference tools
     */
    Bench(BenchSettings settings, String command, String searchPath, PrintStream log) {
        this(settings, List.of(SourceServers.Kind.FILE), Duration.ZERO, command, searchPath, log);
    }

    /**
     * @param sources       the sources of the fleet runs: file, and for the widest fleet shape once
     *                      more each of http (with {@code sourceLatency} per request) and s3
     * @param sourceLatency the latency of the http source's server, per request
     */
    Bench(BenchSettings settings, List<SourceServers.Kind> sources, Duration sourceLatency, String command,
          String searchPath, PrintStream log) {
        this(settings, new Inputs(sources, sourceLatency, List.of(FormatCopies.SourceFormat.JPEG)), command, searchPath, log);
    }

    /**
     * What the bench reads its images from.
     *
     * @param sources       the sources of the fleet runs: file, and for the widest fleet shape once
     *                      more each of http (with {@code sourceLatency} per request) and s3
     * @param sourceLatency the latency of the http source's server, per request
     * @param formats       the source formats of the in-process and vipsthumbnail comparison
     *                      ({@code --formats}); JPEG alone adds nothing to the usual runs
     */
    record Inputs(List<SourceServers.Kind> sources, Duration sourceLatency, List<FormatCopies.SourceFormat> formats) {
        Inputs {
            sources = List.copyOf(sources);
            formats = List.copyOf(formats);
        }
    }

    Bench(BenchSettings settings, Inputs inputs, String command, String searchPath, PrintStream log) {
        this.sources = inputs.sources();
        this.sourceLatency = inputs.sourceLatency();
        this.formats = inputs.formats();
        this.settings = settings;
        this.command = command;
        this.searchPath = searchPath;
        this.log = log;
    }

    BenchResults run() throws IOException, InterruptedException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Path logs = Files.createDirectories(settings.out().resolve("logs"));
        Path tmp = Files.createTempDirectory("imagefleet-bench-");
        try {
            ImageSet images = settings.images() != null ? ImageSet.load(settings.images(), log)
                    : ImageSet.generate(tmp.resolve("images"), settings.count(), settings.minMegapixels(),
                    settings.maxMegapixels(), settings.seed(), log);
            JobSpec spec = new JobSpec(settings.size(), settings.quality(),
                    Files.createDirectories(tmp.resolve("outputs")).toRealPath());
            RunLength length = settings.length();
            List<String> jvm = settings.jvm();
            log.printf("%d images, %.1f MP in all; %s per run; %s%n", images.size(), images.totalMegapixels(),
                    length.describe(), spec.describe());
            double loadBefore = Machine.loadAverage();

            List<Run> inProcess = new ArrayList<>();
            List<Run> fleet = new ArrayList<>();
            List<Run> openLoops = new ArrayList<>();
            List<FleetRun.Outcome> recycling = new ArrayList<>();
            List<Run> reference = new ArrayList<>();
            List<Run> remote = new ArrayList<>();
            Map<String, String> versions = new LinkedHashMap<>();
            for (int rep = 1; rep <= settings.repeat(); rep++) {
                if (settings.repeat() > 1) {
                    log.printf("repetition %d of %d%n", rep, settings.repeat());
                }
                if (settings.runs(Part.IN_PROCESS)) {
                    inProcess.addAll(inProcess(images, spec, jvm, logs, length));
                }
                if (settings.runs(Part.FLEET) && !settings.fleet().isEmpty()) {
                    FleetRun.Jvms jvms = new FleetRun.Jvms(settings.heap(), settings.jvmOptions(),
                            List.of("-Xmx" + settings.supervisorHeap()));
                    Path sourcesDir = tmp.resolve("sources-" + rep);
                    withKafka(tmp.resolve("broker-" + rep), (kafka, brokerPids) -> {
                        FleetRun runner = new FleetRun(kafka, brokerPids, images, spec, jvms, settings.partitions(), logs,
                                settings.runTimeout(), log);
                        fleet(runner, length, fleet, openLoops, recycling);
                        remote.addAll(remoteSources(runner, images, sourcesDir, length));
                    });
                }
                if (settings.runs(Part.REFERENCE)) {
                    reference(new ReferenceRun(images, spec, logs, settings.runTimeout(), log), length, reference, versions);
                }
            }
            List<Run> formatRuns = formats(images, tmp, logs, length, best(inProcess), best(reference));
            List<Run> every = new ArrayList<>(inProcess);
            every.addAll(fleet);
            every.addAll(openLoops);
            recycling.forEach(o -> every.add(o.saturation()));
            every.addAll(reference);
            return new BenchResults(Machine.describe(), command, started, Duration.ofNanos(System.nanoTime() - t0),
                    images, spec, length, settings.warmup(), String.join(" ", jvm), best(inProcess), best(fleet),
                    quietest(openLoops), best(reference), recycling.stream().max(Comparator.comparingDouble(
                    o -> o.saturation().imagesPerSecond())).orElse(null), settings.recycleAfter(), settings.rssLimitBytes(),
                    settings.supervisorHeap(),
                    settings.repeat() > 1 ? every : List.of(), versions, codecs, loadBefore, Machine.loadAverage(),
                    best(remote), formatRuns);
        } finally {
            deleteTree(tmp);
        }
    }

    private List<Run> inProcess(ImageSet images, JobSpec spec, List<String> jvm, Path logs, RunLength length)
            throws IOException, InterruptedException {
        InProcessRun runner = new InProcessRun(images, spec, jvm, logs, settings.runTimeout(), log);
        List<Run> runs = new ArrayList<>();
        for (int t : settings.threads()) {
            runs.add(report(runner.run(t, settings.warmupLength(), length)));
            codecs = runner.codecs();
        }
        return runs;
    }

    /**
     * Runs every fleet shape into {@code runs}, the widest one's open loop into {@code openLoops},
     * then, when asked, a recycle run of the widest shape into {@code recycling}.
     */
    private void fleet(FleetRun runner, RunLength length, List<Run> runs, List<Run> openLoops,
                       List<FleetRun.Outcome> recycling) throws IOException, InterruptedException {
        Shape widest = settings.fleet().stream()
                .max(Comparator.comparingInt(Shape::cores).thenComparingInt(Shape::processes)).orElseThrow();
        for (Shape s : settings.fleet()) {
            FleetRun.Outcome o = runner.run(s.processes(), s.threads(), settings.warmupLength(), length,
                    s.equals(widest) ? settings.openLoop() : null, 0);
            runs.add(report(o.saturation()));
            if (o.openLoop() != null) {
                openLoops.add(report(o.openLoop()));
            }
        }
        if (settings.recycleAfter() > 0) {
            FleetRun.Outcome o = runner.run(widest.processes(), widest.threads(), settings.warmupLength(), length, null,
                    settings.recycleAfter());
            report(o.saturation());
            log.printf(Locale.ROOT, "  %d recycles, gap between jobs p50 %d ms, worst %d ms%n",
                    o.recycling().recycles().size(), o.recycling().gaps().percentile(50), o.recycling().gaps().max());
            recycling.add(o);
        }
    }

    /**
     * The widest fleet shape again with each remote source asked for (http with a set latency, s3),
     * beside its file run, with the same length and warm-up.
     */
    private List<Run> remoteSources(FleetRun runner, ImageSet images, Path work, RunLength length)
            throws IOException, InterruptedException {
        List<SourceServers.Kind> remote = sources.stream().filter(k -> k != SourceServers.Kind.FILE).toList();
        if (remote.isEmpty()) {
            return List.of();
        }
        Shape widest = settings.fleet().stream()
                .max(Comparator.comparingInt(Shape::cores).thenComparingInt(Shape::processes)).orElseThrow();
        List<Run> runs = new ArrayList<>();
        try (SourceServers servers = SourceServers.start(remote, sourceLatency, images, work, log)) {
            for (RemoteSource source : servers.sources()) {
                log.printf("sources from %s: %s%n", source.name(), source.served());
                runs.add(report(runner.readingFrom(source).run(widest.processes(), widest.threads(),
                        settings.warmupLength(), length, null, 0).saturation()));
            }
        } finally {
            runner.readingFrom(null);
        }
        return runs;
    }

    private void reference(ReferenceRun runner, RunLength length, List<Run> runs, Map<String, String> versions)
            throws IOException, InterruptedException {
        for (ReferenceRun.Tool tool : ReferenceRun.Tool.values()) {
            Optional<Path> exe = ReferenceRun.find(tool, searchPath);
            if (exe.isEmpty()) {
                log.println(tool.command + " is not installed; leaving it out");
                continue;
            }
            versions.put(tool.command, ReferenceRun.version(exe.get(), tool));
            for (int lanes : settings.referenceLanes()) {
                runs.add(report(runner.run(exe.get(), tool, lanes, length)));
            }
        }
    }

    /**
     * With {@code --formats}: the images as HEIC and AVIF copies, through the pipeline in process on the
     * most threads and through vipsthumbnail on the most processes (the parts asked for), beside the
     * same runs on the JPEGs (already measured), each named with its format.
     */
    private List<Run> formats(ImageSet jpegs, Path tmp, Path logs, RunLength length, List<Run> inProcess,
                              List<Run> reference) throws IOException, InterruptedException {
        if (formats.stream().allMatch(f -> f == FormatCopies.SourceFormat.JPEG)) {
            return List.of();
        }
        int threads = settings.threads().stream().max(Integer::compare).orElse(1);
        int lanes = settings.referenceLanes().stream().max(Integer::compare).orElse(1);
        Optional<Path> vips = settings.runs(Part.REFERENCE)
                ? ReferenceRun.find(ReferenceRun.Tool.VIPSTHUMBNAIL, searchPath) : Optional.empty();
        List<Run> runs = new ArrayList<>();
        for (FormatCopies.SourceFormat format : formats) {
            String name = format.wireName();
            if (format == FormatCopies.SourceFormat.JPEG) {
                inProcess.stream().filter(r -> r.threads() == threads).findFirst().ifPresent(r -> runs.add(r.as("in-process jpeg")));
                reference.stream().filter(r -> r.system().equals("vipsthumbnail") && r.processes() == lanes).findFirst()
                        .ifPresent(r -> runs.add(r.as("vipsthumbnail jpeg")));
                continue;
            }
            Optional<Path> encoder = FormatCopies.tool(format, searchPath);
            if (encoder.isEmpty()) {
                log.println(format.tool + " is not installed; leaving " + name + " out");
                continue;
            }
            ImageSet copies = FormatCopies.make(jpegs, format, encoder.get(), tmp.resolve("images-" + name), log);
            Path formatLogs = Files.createDirectories(logs.resolve(name));
            JobSpec spec = new JobSpec(settings.size(), settings.quality(),
                    Files.createDirectories(tmp.resolve("outputs-" + name)).toRealPath());
            if (settings.runs(Part.IN_PROCESS)) {
                InProcessRun runner = new InProcessRun(copies, spec, settings.jvm(), formatLogs, settings.runTimeout(), log);
                runs.add(report(runner.run(threads, settings.warmupLength(), length).as("in-process " + name)));
            }
            if (vips.isPresent()) {
                ReferenceRun runner = new ReferenceRun(copies, spec, formatLogs, settings.runTimeout(), log);
                runs.add(report(runner.run(vips.get(), ReferenceRun.Tool.VIPSTHUMBNAIL, lanes, length).as("vipsthumbnail " + name)));
            }
        }
        return runs;
    }

    /** Of the repetitions of each system and shape, the fastest (the least disturbed by anything else). */
    static List<Run> best(List<Run> runs) {
        Map<String, Run> best = new LinkedHashMap<>();
        for (Run r : runs) {
            best.merge(r.system() + " " + r.shape(), r, (a, b) -> b.imagesPerSecond() > a.imagesPerSecond() ? b : a);
        }
        return List.copyOf(best.values());
    }

    /** Of the open-loop repetitions, the one that other processes disturbed least. */
    static Run quietest(List<Run> runs) {
        return runs.stream().filter(Objects::nonNull).min(Comparator.comparingDouble(Run::otherCores))
                .orElse(null);
    }

    private Run report(Run r) {
        log.printf(Locale.ROOT, "  %s %s: %.2f images/s, %.1f MP/s over %.1f s%s%n", r.system(), r.shape(),
                r.imagesPerSecond(), r.megapixelsPerSecond(), r.seconds(),
                r.failed() == 0 ? "" : "; " + r.failed() + " failed " + r.failures());
        return r;
    }

    private interface KafkaWork {
        void run(KafkaSettings kafka, List<Long> brokerPids) throws IOException, InterruptedException;
    }

    private void withKafka(Path dataDir, KafkaWork work) throws IOException, InterruptedException {
        if (settings.bootstrapServers() != null) {
            work.run(KafkaSettings.of(settings.bootstrapServers()), List.of());
            return;
        }
        log.println("starting an embedded Kafka broker...");
        try (EmbeddedBroker broker = new EmbeddedBroker(dataDir, 0, settings.partitions())) {
            broker.start();
            work.run(KafkaSettings.of(broker.bootstrapServers()), List.of(broker.pid()));
        }
    }

    private void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
