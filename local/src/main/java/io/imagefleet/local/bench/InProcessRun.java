package io.imagefleet.local.bench;

import io.imagefleet.worker.supervise.JvmCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs the in-process part: the worker's pipeline in a child JVM ({@link InProcessMain}) started
 * with the workers' JVM options, on T threads, no Kafka. This is the most the machine can do
 * with that pipeline, the figure the fleet is held against. Not thread-safe.
 */
final class InProcessRun {
    private final ImageSet images;
    private final JobSpec spec;
    private final List<String> jvmOptions;
    private final Path work;
    private final Duration timeout;
    private final PrintStream log;
    private String codecs = "unknown";

    InProcessRun(ImageSet images, JobSpec spec, List<String> jvmOptions, Path work, Duration timeout, PrintStream log) {
        this.images = images;
        this.spec = spec;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.work = work;
        this.timeout = timeout;
        this.log = log;
    }

    /** The codecs the last run's pipeline used, as the worker reports them. */
    String codecs() {
        return codecs;
    }

    Run run(int threads, RunLength warmup, RunLength length) throws IOException, InterruptedException {
        log.printf("in-process, %d thread(s): %s after %s of warm-up...%n", threads, length.describe(),
                warmup.describe());
        String name = "in-process-" + threads;
        Path imagesFile = work.resolve(name + "-images.tsv");
        Path out = work.resolve(name + ".tsv");
        Path logFile = work.resolve(name + ".log");
        Files.write(imagesFile, InProcessMain.imageLines(images), StandardCharsets.UTF_8);

        List<String> cmd = JvmCommand.of(InProcessMain.class.getName()).jvm(jvmOptions)
                .args(imagesFile.toString(), Integer.toString(spec.size()), Integer.toString(spec.quality()),
                        spec.target().toString(), Integer.toString(threads), warmup.format(), length.format(),
                        out.toString())
                .toList();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().put("IMAGEFLEET_FILE_ROOTS", images.root().toString());
        pb.environment().put("IMAGEFLEET_OUTPUT_ROOTS", spec.target().toString());
        pb.environment().put("IMAGEFLEET_THREADS", Integer.toString(threads));
        CpuShare before = CpuShare.sample();
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the in-process run with " + threads + " thread(s) took over "
                        + timeout.toSeconds() + " s; its log: " + logFile);
            }
        } finally {
            p.destroyForcibly();
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("the in-process run with " + threads + " thread(s) exited with "
                    + p.exitValue() + "; its log: " + logFile + "\n" + Files.readString(logFile));
        }
        double others = before.othersSince(CpuShare.sample(), Runtime.getRuntime().availableProcessors());
        return parse(Files.readAllLines(out, StandardCharsets.UTF_8), threads, p.pid(), others);
    }

    private Run parse(List<String> lines, int threads, long pid, double otherCores) {
        List<Long> latencies = new ArrayList<>();
        List<Long> doneAt = new ArrayList<>();
        SortedMap<String, Integer> failures = new TreeMap<>();
        int jobs = 0;
        int ok = 0;
        double mp = 0;
        long wallNs = 0;
        double cpu = -1;
        StageTimes stages = new StageTimes();
        long busyNs = 0;
        List<ProcessMemory> memory = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split("\t");
            switch (f[0]) {
                case "job" -> {
                    jobs++;
                    long start = Long.parseLong(f[4]);
                    long end = Long.parseLong(f[5]);
                    latencies.add((end - start) / 1_000_000);
                    busyNs += end - start;
                    doneAt.add(end / 1_000_000);
                    stages.add(StageTimes.parse(f[6]));
                    if (f[3].equals("OK")) {
                        ok++;
                        mp += images.forJob(Integer.parseInt(f[2])).megapixels();
                    } else {
                        failures.merge(f[3], 1, Integer::sum);
                    }
                }
                case "wall" -> wallNs = Long.parseLong(f[1]);
                case "cpu" -> cpu = Double.parseDouble(f[1]);
                case "codecs" -> codecs = f[1];
                case "memory" -> memory.add(new ProcessMemory("in-process JVM, " + threads + " thread(s)", pid,
                        Long.parseLong(f[1]), Long.parseLong(f[2])));
                default -> throw new IllegalStateException("unexpected line from the in-process run: " + line);
            }
        }
        return new Run("in-process", 1, threads, jobs, ok, failures, wallNs / 1e9, mp, Latencies.of(latencies), doneAt,
                memory, 0, otherCores, cpu < 0 ? Map.of() : Map.of("in-process JVM", cpu), stages.means(),
                List.of(new ThreadUse("in-process JVM", jobs, (double) busyNs / Math.max(1, wallNs * threads), -1, -1, -1)));
    }
}
