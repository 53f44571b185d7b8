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
 * ({@code vipsthumbnail} takes up to 32 files per invocation, as it is meant to be used;
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
    /** Files per vipsthumbnail invocation: enough that starting the process costs little. */
    private static final int VIPS_BATCH = 32;

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

    /** What one lane did: images done and failed, megapixels done, when it ended. */
    private record Lane(int done, int failed, double megapixels, long endNs) {
    }

    Run run(Path exe, Tool tool, int lanes, RunLength length) throws IOException, InterruptedException {
        log.printf("%s, %d process(es) at once: %s...%n", tool.command, lanes, length.describe());
        // Thumbnails go beside the fleet's outputs (removed at the end), logs to the results directory.
        Path dir = Files.createDirectories(spec.target().resolve(tool.command + "-" + lanes));
        Lane[] result = new Lane[lanes];
        List<Thread> threads = new ArrayList<>();
        CpuShare before = CpuShare.sample();
        long start = System.nanoTime();
        for (int l = 0; l < lanes; l++) {
            int lane = l;
            Path laneDir = Files.createDirectories(dir.resolve("lane-" + lane));
            Path logFile = work.resolve(tool.command + "-" + lanes + "-lane-" + lane + ".log");
            threads.add(Thread.ofPlatform().name(tool.command + "-lane-" + lane).start(() ->
                    result[lane] = lane(exe, tool, new LaneSpec(lane, lanes, laneDir, logFile), length, start)));
        }
        for (Thread t : threads) {
            t.join();
        }
        double others = before.othersSince(CpuShare.sample(), Runtime.getRuntime().availableProcessors());
        long wall = 0;
        List<Long> doneAt = new ArrayList<>();
        int jobs = 0;
        int failures = 0;
        double megapixels = 0;
        for (Lane r : result) {
            wall = Math.max(wall, r.endNs() - start);
            doneAt.add((r.endNs() - start) / 1_000_000);
            jobs += r.done() + r.failed();
            failures += r.failed();
            megapixels += r.megapixels();
        }
        SortedMap<String, Integer> byCode = Run.noFailures();
        if (failures > 0) {
            log.println("warning: " + tool.command + " failed on " + failures + " images; its logs are in " + work);
            byCode.put("TOOL_FAILED", failures);
        }
        return new Run(tool.command, lanes, 1, jobs, jobs - failures, byCode, wall / 1e9, megapixels,
                Latencies.NONE, doneAt, List.of(), 0, others, Map.of(), Map.of(), List.of());
    }

    /** Lane {@code lane} of {@code lanes}: where its thumbnails and its log go. */
    private record LaneSpec(int lane, int lanes, Path dir, Path log) {
    }

    /** A lane takes images lane, lane + lanes, ... while the length allows. */
    private Lane lane(Path exe, Tool tool, LaneSpec ls, RunLength length, long start) {
        int done = 0;
        int failed = 0;
        double mp = 0;
        int i = ls.lane();
        for (int batch = 0; length.startsJob(i, System.nanoTime() - start); batch++) {
            List<ImageSet.Image> share = new ArrayList<>();
            int size = tool == Tool.VIPSTHUMBNAIL ? VIPS_BATCH : 1;
            while (share.size() < size && length.startsJob(i, System.nanoTime() - start)) {
                share.add(images.forJob(i));
                i += ls.lanes();
            }
            Path batchDir = ls.dir().resolve("batch-" + batch);
            int bad = tool == Tool.VIPSTHUMBNAIL ? vips(exe, share, batchDir, ls.log())
                    : convert(exe, share.getFirst(), batchDir, ls.log());
            failed += bad;
            done += share.size() - bad;
            mp += share.stream().mapToDouble(ImageSet.Image::megapixels).sum() * (share.size() - bad) / share.size();
        }
        return new Lane(done, failed, mp, System.nanoTime());
    }

    /** One vipsthumbnail for a batch of files; returns how many got no thumbnail. */
    private int vips(Path exe, List<ImageSet.Image> batch, Path dir, Path logFile) {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-s", spec.size() + "x" + spec.size(),
                "-o", dir + "/%s.jpg[Q=" + spec.quality() + ",strip]"));
        batch.forEach(i -> cmd.add(i.path().toString()));
        if (exec(cmd, dir, logFile)) {
            return 0;
        }
        int missing = 0;
        for (ImageSet.Image image : batch) {
            String base = image.path().getFileName().toString().replaceFirst("\\.[^.]*$", "");
            if (!Files.exists(dir.resolve(base + ".jpg"))) {
                missing++;
            }
        }
        return Math.max(1, missing);
    }

    /** One convert for one image; returns 1 when it failed. */
    private int convert(Path exe, ImageSet.Image image, Path dir, Path logFile) {
        List<String> cmd = List.of(exe.toString(), image.path().toString(),
                "-thumbnail", spec.size() + "x" + spec.size(), "-quality", Integer.toString(spec.quality()),
                dir.resolve("thumb.jpg").toString());
        return exec(cmd, dir, logFile) ? 0 : 1;
    }

    private boolean exec(List<String> cmd, Path dir, Path logFile) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return false;
        }
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
