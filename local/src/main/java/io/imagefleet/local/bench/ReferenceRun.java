package io.imagefleet.local.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a reference thumbnailer on the same images, size and quality as the fleet: L lanes run
 * at once, each a single-threaded process working through its share of the jobs
 * ({@code vipsthumbnail} takes a lane's files in one invocation, as it is meant to be used;
 * {@code convert} takes one file per invocation, as it must). Not thread-safe.
 */
final class ReferenceRun {
    /** A thumbnailer the bench knows how to run. */
    enum Tool {
        VIPSTHUMBNAIL("vipsthumbnail", List.of("--vips-version")),
        CONVERT("convert", List.of("-version"));

        final String command;
        final List<String> versionArgs;

        Tool(String command, List<String> versionArgs) {
            this.command = command;
            this.versionArgs = versionArgs;
        }
    }

    /** One thread per process: the lanes are the parallelism, as the fleet's processes are. */
    private static final Map<String, String> SINGLE_THREADED = Map.of(
            "VIPS_CONCURRENCY", "1", "OMP_NUM_THREADS", "1", "MAGICK_THREAD_LIMIT", "1");

    private final ImageSet images;
    private final JobSpec spec;
    private final Path work;
    private final Duration timeout;
    private final PrintStream log;

    ReferenceRun(ImageSet images, JobSpec spec, Path work, Duration timeout, PrintStream log) {
        this.images = images;
        this.spec = spec;
        this.work = work;
        this.timeout = timeout;
        this.log = log;
    }

    /** The tool's executable on the search path, if installed. */
    static Optional<Path> find(Tool tool, String searchPath) {
        if (searchPath == null) {
            return Optional.empty();
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path exe = Path.of(dir, tool.command);
            if (Files.isRegularFile(exe) && Files.isExecutable(exe)) {
                return Optional.of(exe);
            }
        }
        return Optional.empty();
    }

    /** The first line the tool prints about its version, or "unknown". */
    static String version(Path exe, Tool tool) {
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(tool.versionArgs);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("unknown").trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    Run run(Path exe, Tool tool, int lanes, int jobs) throws IOException, InterruptedException {
        log.printf("%s, %d process(es) at once: %d images...%n", tool.command, lanes, jobs);
        Path dir = Files.createDirectories(work.resolve(tool.command + "-" + lanes));
        List<List<ImageSet.Image>> shares = new ArrayList<>();
        for (int l = 0; l < lanes; l++) {
            shares.add(new ArrayList<>());
        }
        double[] mp = new double[lanes];
        for (int i = 0; i < jobs; i++) {
            shares.get(i % lanes).add(images.forJob(i));
        }
        int[] failed = new int[lanes];
        long[] endNs = new long[lanes];
        List<Thread> threads = new ArrayList<>();
        CpuShare before = CpuShare.sample();
        long start = System.nanoTime();
        for (int l = 0; l < lanes; l++) {
            int lane = l;
            Path laneDir = Files.createDirectories(dir.resolve("lane-" + lane));
            threads.add(Thread.ofPlatform().name(tool.command + "-lane-" + lane).start(() -> {
                List<ImageSet.Image> share = shares.get(lane);
                failed[lane] = tool == Tool.VIPSTHUMBNAIL ? vips(exe, share, laneDir) : convert(exe, share, laneDir);
                endNs[lane] = System.nanoTime();
                mp[lane] = share.stream().mapToDouble(ImageSet.Image::megapixels).sum();
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double others = before.othersSince(CpuShare.sample(), Runtime.getRuntime().availableProcessors());
        long wall = 0;
        List<Long> doneAt = new ArrayList<>();
        int failures = 0;
        double megapixels = 0;
        for (int l = 0; l < lanes; l++) {
            wall = Math.max(wall, endNs[l] - start);
            doneAt.add((endNs[l] - start) / 1_000_000);
            failures += failed[l];
            megapixels += mp[l];
        }
        if (failures > 0) {
            log.println("warning: " + tool.command + " failed on " + failures + " images; its logs are in " + dir);
            megapixels = megapixels * (jobs - failures) / jobs;
        }
        SortedMap<String, Integer> byCode = Run.noFailures();
        if (failures > 0) {
            byCode.put("TOOL_FAILED", failures);
        }
        return new Run(tool.command, lanes, 1, jobs, jobs - failures, byCode, wall / 1e9, megapixels,
                Latencies.NONE, doneAt, List.of(), 0, others, Map.of(), Map.of());
    }

    /** One vipsthumbnail for the whole share; returns how many images got no thumbnail. */
    private int vips(Path exe, List<ImageSet.Image> share, Path laneDir) {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-s", spec.size() + "x" + spec.size(),
                "-o", laneDir + "/%s.jpg[Q=" + spec.quality() + ",strip]"));
        share.forEach(i -> cmd.add(i.path().toString()));
        if (exec(cmd, laneDir.resolve("vipsthumbnail.log"))) {
            return 0;
        }
        // Some inputs failed: count those without an output (each path may appear more than once).
        int missing = 0;
        for (ImageSet.Image image : share) {
            String base = image.path().getFileName().toString().replaceFirst("\\.[^.]*$", "");
            if (!Files.exists(laneDir.resolve(base + ".jpg"))) {
                missing++;
            }
        }
        return Math.max(1, missing);
    }

    /** One convert per image; returns how many failed. */
    private int convert(Path exe, List<ImageSet.Image> share, Path laneDir) {
        int failed = 0;
        Path logFile = laneDir.resolve("convert.log");
        for (int i = 0; i < share.size(); i++) {
            List<String> cmd = List.of(exe.toString(), share.get(i).path().toString(),
                    "-thumbnail", spec.size() + "x" + spec.size(), "-quality", Integer.toString(spec.quality()),
                    laneDir.resolve(i + ".jpg").toString());
            if (!exec(cmd, logFile)) {
                failed++;
            }
        }
        return failed;
    }

    private boolean exec(List<String> cmd, Path logFile) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().putAll(SINGLE_THREADED);
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
