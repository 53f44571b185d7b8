package io.imagefleet.local.bench;

import io.imagefleet.wire.Result;
import io.imagefleet.worker.WorkerMain;
import io.imagefleet.worker.WorkerPipeline;
import io.imagefleet.worker.config.NativeMode;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.pipeline.Pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-process part of the bench, run in a JVM of its own with the workers' JVM options: the
 * worker's pipeline, exactly as {@link WorkerMain} builds it, on {@code threads} threads that
 * take the images in turn, with no Kafka in the way. A warm-up of the same kind comes first and
 * is not measured.
 *
 * <p>Arguments: {@code <images.tsv> <size> <quality> <target-dir> <threads> <warm-up> <length>
 * <out.tsv>}, where the images file has {@code path width height format bytes} lines and the
 * lengths are {@link RunLength#format()}s; settings come from the environment, as a worker's do.
 * Writes one {@code job id image-index outcome startNs endNs timings} line per measured job, then
 * {@code wall ns}, {@code cpu seconds}, {@code codecs description} and {@code memory peakBytes rssBytes}.
 */
public final class InProcessMain {
    private InProcessMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 8) {
            System.err.println("usage: InProcessMain <images.tsv> <size> <quality> <target> <threads> <warm-up> "
                    + "<length> <out.tsv>");
            System.exit(2);
        }
        ImageSet images = readImages(Path.of(args[0]));
        JobSpec spec = new JobSpec(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
        int threads = Integer.parseInt(args[4]);
        WorkerConfig config = WorkerConfig.fromEnv(System.getenv());
        WorkerPipeline built = WorkerMain.pipeline(config, "in-process");
        Pipeline pipeline = built.pipeline();

        runAll(pipeline, images, spec, "warm", RunLength.parse(args[5]), threads, new ConcurrentLinkedQueue<>());
        Queue<Row> rows = new ConcurrentLinkedQueue<>();
        double cpuBefore = CpuMeter.seconds(ProcessHandle.current().pid());
        long wall = runAll(pipeline, images, spec, "t" + threads, RunLength.parse(args[6]), threads, rows);
        double cpu = CpuMeter.seconds(ProcessHandle.current().pid()) - cpuBefore;

        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[7]), StandardCharsets.UTF_8))) {
            for (Row r : rows) {
                out.printf(Locale.ROOT, "job\t%s\t%d\t%s\t%d\t%d\t%s%n", r.id(), r.index(), r.outcome(), r.startNs(),
                        r.endNs(), StageTimes.format(r.timings()));
            }
            out.printf(Locale.ROOT, "wall\t%d%n", wall);
            out.printf(Locale.ROOT, "cpu\t%.3f%n", cpu);
            out.printf(Locale.ROOT, "codecs\t%s%n", codecs(config));
            ProcessMemory.self("in-process").ifPresent(m ->
                    out.printf(Locale.ROOT, "memory\t%d\t%d%n", m.peakBytes(), m.rssBytes()));
        }
        built.close();
        System.exit(0);
    }

    /** Which decoders and encoders the pipeline uses, as a worker logs it at start. */
    private static String codecs(WorkerConfig config) {
        if (config.nativeCodecs() == NativeMode.OFF) {
            return "ImageIO + TwelveMonkeys only (IMAGEFLEET_NATIVE=off)";
        }
        List<String> report = NativeCodecs.load(false, false).report();
        return "IMAGEFLEET_NATIVE=" + config.nativeCodecs().name().toLowerCase(Locale.ROOT) + ": "
                + String.join("; ", report);
    }

    private record Row(String id, int index, String outcome, long startNs, long endNs, Result.Timings timings) {
    }

    /**
     * Runs jobs on {@code threads} threads, each taking the next image in turn while the length
     * allows; returns the nanoseconds from the start to the end of the last job.
     */
    private static long runAll(Pipeline pipeline, ImageSet images, JobSpec spec, String prefix, RunLength length,
                               int threads, Queue<Row> rows) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String name = "in-process-" + (t + 1);
            pool.add(Thread.ofPlatform().name(name).start(() -> {
                while (true) {
                    int i = next.getAndIncrement();
                    long t0 = System.nanoTime();
                    if (!length.startsJob(i, t0 - start)) {
                        return;
                    }
                    String id = String.format(Locale.ROOT, "%s-%06d", prefix, i);
                    Result r = pipeline.process(spec.job(id, images.forJob(i)), new JobContext("in-process/" + name, 1, 0));
                    long t1 = System.nanoTime();
                    rows.add(new Row(id, i, r.succeeded() ? "OK" : r.error().code().name(), t0 - start,
                            t1 - start, r.timings()));
                }
            }));
        }
        for (Thread t : pool) {
            t.join();
        }
        return rows.stream().mapToLong(Row::endNs).max().orElse(0);
    }

    private static ImageSet readImages(Path file) throws IOException {
        List<ImageSet.Image> images = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            images.add(new ImageSet.Image(Path.of(f[0]), f[3], Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                    Long.parseLong(f[4])));
        }
        return new ImageSet(images.getFirst().path().getParent(), images, file.toString());
    }

    /** The lines {@link #readImages} reads. */
    static List<String> imageLines(ImageSet set) {
        return set.images().stream().map(i -> i.path() + "\t" + i.width() + "\t" + i.height() + "\t" + i.format()
                + "\t" + i.bytes()).toList();
    }
}
