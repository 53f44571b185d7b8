package io.imagefleet.local.bench;

import io.imagefleet.local.bench.BenchSettings.Part;
import io.imagefleet.local.bench.BenchSettings.Shape;
import io.imagefleet.worker.DecodePath;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

/**
 * {@code imagefleet bench}: measures the in-process pipeline, the fleet through Kafka and the
 * reference thumbnailers on one image set, and writes a report with charts.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure throughput, latency and memory: the pipeline in one JVM (no Kafka), the fleet "
                + "through Kafka, and vipsthumbnail and ImageMagick when installed, on the same images.",
                "Writes report.md and PNG charts to --out and prints a summary. Exits 1 when any job failed."})
public final class BenchCommand implements Callable<Integer> {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", paramLabel = "DIR",
            description = "A directory of images (default: generate photo-like JPEGs).")
    Path images;

    @Option(names = "--count", description = "Images to generate (default ${DEFAULT-VALUE}).")
    int count = 24;

    @Option(names = "--megapixels", paramLabel = "MIN-MAX",
            description = "Size range of generated images (default ${DEFAULT-VALUE}).")
    String megapixels = "8-12";

    @Option(names = "--seed", description = "Seed of the generated images (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "In-process thread counts (default 1 to the CPU count).")
    List<Integer> threads;

    @Option(names = "--fleet", split = ",", paramLabel = "PxT",
            description = "Fleet shapes, processes x threads (default 1x1 to Nx1 for N cores).")
    List<String> fleet;

    @Option(names = "--reference-processes", split = ",", paramLabel = "N",
            description = "Reference-tool processes at once (default 1 to the CPU count).")
    List<Integer> referenceProcesses;

    @Option(names = "--seconds", description = "How long each measured run starts jobs (default ${DEFAULT-VALUE}).")
    int seconds = 20;

    @Option(names = "--jobs", description = "Jobs per measured run, instead of --seconds.")
    int jobs;

    @Option(names = "--warmup-seconds", description = "Warm-up before each run, not measured (default ${DEFAULT-VALUE}).")
    int warmupSeconds = 5;

    @Option(names = "--rate", description = "Open-loop rate, jobs/s (default: --rate-fraction of the widest fleet's saturation rate).")
    double rate;

    @Option(names = "--rate-fraction", description = "Open-loop rate as a fraction of saturation (default ${DEFAULT-VALUE}).")
    double rateFraction = 0.7;

    @Option(names = "--open-loop-seconds", description = "How long the open loop publishes; 0 for none (default ${DEFAULT-VALUE}).")
    int openLoopSeconds = 30;

    @Option(names = "--size", description = "Thumbnails fit inside SIZE x SIZE (default ${DEFAULT-VALUE}).")
    int size = 256;

    @Option(names = "--quality", description = "JPEG quality of the thumbnails (default ${DEFAULT-VALUE}).")
    int quality = 85;

    @Option(names = "--heap", description = "-Xmx of the worker and in-process JVMs (default ${DEFAULT-VALUE}).")
    String heap = "256m";

    @Option(names = "--jvm-option", paramLabel = "OPTION",
            description = "An extra option for the worker and in-process JVMs, such as -XX:+UseParallelGC (repeatable).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--partitions", description = "Partitions of the bench topics (default ${DEFAULT-VALUE}).")
    int partitions = 12;

    @Option(names = "--parts", split = ",", paramLabel = "PART",
            description = "What to run: in-process, fleet, reference (default: all).")
    List<String> parts;

    @Option(names = "--out", paramLabel = "DIR", description = "Results directory (default bench-results/<date-time>).")
    Path out;

    @Option(names = "--bootstrap-servers", description = "Use this Kafka broker instead of starting an embedded one.")
    String bootstrapServers;

    @Option(names = "--repeat", description = "Run everything this many times and report the fastest run of each "
            + "system and shape: on a machine shared with other work, the least disturbed (default ${DEFAULT-VALUE}).")
    int repeat = 1;

    @Option(names = "--recycle-after", description = "A last fleet run of the widest shape whose worker JVMs recycle "
            + "after about this many jobs, for the recycle gap and the throughput dip; 0 for none (default ${DEFAULT-VALUE}).")
    int recycleAfter = 50;

    @Option(names = "--supervisor-heap", description = "-Xmx of the supervisor JVM (default ${DEFAULT-VALUE}).")
    String supervisorHeap = "64m";

    @Option(names = "--rss-limit", description = "The resident set each worker JVM should stay within "
            + "(default: the worker JVM's share of a pod for its heap: the heap / 0.6 or the heap + 384 MiB, the "
            + "larger; the supervisor recycles a worker JVM that grows past it).")
    String rssLimit;

    @Option(names = "--source", split = ",", paramLabel = "KIND",
            description = "Sources of the fleet runs: file (always), and for the widest fleet once more each of "
                    + "http (a local HTTP server with --source-latency per request) and s3 (the embedded S3 server, "
                    + "outputs to it too); the report gives each against file:// (default: file).")
    List<String> sources;

    @Option(names = "--source-latency", description = "Latency of the http source's server per request, such as 100ms "
            + "(default ${DEFAULT-VALUE}).")
    String sourceLatency = "100ms";

    @Option(names = "--formats", split = ",", paramLabel = "FORMAT",
            description = "Source formats to compare: jpeg (the images themselves), heic and avif (copies made with "
                    + "heif-enc and avifenc), each through the pipeline in process on the most threads and through "
                    + "vipsthumbnail on the most processes, in this run (default: jpeg).")
    List<String> formats;

    @Option(names = "--run-timeout", description = "Seconds one run may take (default ${DEFAULT-VALUE}).")
    int runTimeoutSeconds = 1800;

    @Override
    public Integer call() throws Exception {
        BenchSettings settings = settings();
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid options:\n  " + String.join("\n  ", problems));
        }
        DecodePath.detect(System.getenv()).lines().forEach(System.err::println);
        String command = "./imagefleet " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        List<SourceServers.Kind> kinds = sources == null ? List.of(SourceServers.Kind.FILE)
                : sources.stream().map(SourceServers.Kind::parse).distinct().toList();
        java.time.Duration latency = io.imagefleet.config.Durations.parse(sourceLatency);
        List<FormatCopies.SourceFormat> sourceFormats = formats == null ? List.of(FormatCopies.SourceFormat.JPEG)
                : formats.stream().map(FormatCopies.SourceFormat::parse).distinct().toList();
        BenchResults results = new Bench(settings, new Bench.Inputs(kinds, latency, sourceFormats), command.strip(),
                System.getenv("PATH"), System.err).run();
        Path report = BenchReport.write(results, settings.out());
        BenchReport.summary(results, report, System.out);
        return results.allSucceeded() ? 0 : 1;
    }

    BenchSettings settings() {
        String[] mp = megapixels.split("-");
        if (mp.length != 2) {
            throw new IllegalArgumentException("--megapixels must be MIN-MAX such as 8-12, got '" + megapixels + "'");
        }
        Set<Part> chosen = EnumSet.noneOf(Part.class);
        if (parts == null) {
            chosen = EnumSet.allOf(Part.class);
        } else {
            for (String p : parts) {
                chosen.add(Part.parse(p));
            }
        }
        List<Shape> shapes = new ArrayList<>();
        if (fleet == null) {
            IntStream.rangeClosed(1, CORES).forEach(p -> shapes.add(new Shape(p, 1)));
        } else {
            fleet.forEach(s -> shapes.add(Shape.parse(s)));
        }
        List<Integer> upToCores = IntStream.rangeClosed(1, CORES).boxed().toList();
        Path dir = out != null ? out
                : Path.of("bench-results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        OpenLoop openLoop = openLoopSeconds == 0 ? null : new OpenLoop(rate, rateFraction, Duration.ofSeconds(openLoopSeconds));
        return new BenchSettings(images, count, Double.parseDouble(mp[0]), Double.parseDouble(mp[1]), seed,
                threads == null ? upToCores : threads, shapes,
                referenceProcesses == null ? upToCores : referenceProcesses, jobs, Duration.ofSeconds(seconds),
                Duration.ofSeconds(warmupSeconds), openLoop, size, quality,
                heap, jvmOptions, partitions, chosen, dir.toAbsolutePath().normalize(), bootstrapServers,
                Duration.ofSeconds(runTimeoutSeconds), repeat, recycleAfter, supervisorHeap, rssLimit);
    }
}
