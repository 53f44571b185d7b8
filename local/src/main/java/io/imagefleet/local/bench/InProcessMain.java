package io.imagefleet.local.bench;

import io.imagefleet.wire.InvalidJobException;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.Result;
import io.imagefleet.worker.WorkerMain;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.pipeline.JobContext;
import io.imagefleet.worker.pipeline.Pipeline;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-process part of the bench, run in a JVM of its own with the workers' JVM options: the
 * worker's pipeline, exactly as {@link WorkerMain} builds it, on {@code threads} threads that
 * take jobs from a list, with no Kafka in the way. The first {@code warmup} jobs warm the JIT
 * and are not measured.
 *
 * <p>Arguments: {@code <jobs.jsonl> <warmup> <threads> <out.tsv>}; settings come from the
 * environment, as a worker's do. Writes one {@code job id outcome startNs endNs} line per
 * measured job (with its stage timings), then {@code wall ns}, {@code cpu seconds} and {@code memory peakBytes rssBytes}.
 */
public final class InProcessMain {
    private InProcessMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: InProcessMain <jobs.jsonl> <warmup> <threads> <out.tsv>");
            System.exit(2);
        }
        List<Job> jobs = readJobs(Path.of(args[0]));
        int warmup = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        Pipeline pipeline = WorkerMain.pipeline(WorkerConfig.fromEnv(System.getenv()), "in-process");

        runAll(pipeline, jobs.subList(0, warmup), threads, new Row[warmup], System.nanoTime());
        List<Job> measured = jobs.subList(warmup, jobs.size());
        Row[] rows = new Row[measured.size()];
        double cpuBefore = CpuMeter.seconds(ProcessHandle.current().pid());
        long start = System.nanoTime();
        runAll(pipeline, measured, threads, rows, start);
        long wall = System.nanoTime() - start;
        double cpu = CpuMeter.seconds(ProcessHandle.current().pid()) - cpuBefore;

        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[3]), StandardCharsets.UTF_8))) {
            for (Row r : rows) {
                out.printf(Locale.ROOT, "job\t%s\t%s\t%d\t%d\t%s%n", r.id(), r.outcome(), r.startNs(), r.endNs(),
                        StageTimes.format(r.timings()));
            }
            out.printf(Locale.ROOT, "wall\t%d%n", wall);
            out.printf(Locale.ROOT, "cpu\t%.3f%n", cpu);
            ProcessMemory.self("in-process").ifPresent(m ->
                    out.printf(Locale.ROOT, "memory\t%d\t%d%n", m.peakBytes(), m.rssBytes()));
        }
        System.exit(0);
    }

    private record Row(String id, String outcome, long startNs, long endNs, Result.Timings timings) {
    }

    /** Runs the jobs on {@code threads} threads, each taking the next job from the list, until none are left. */
    private static void runAll(Pipeline pipeline, List<Job> jobs, int threads, Row[] rows, long start)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String name = "in-process-" + (t + 1);
            pool.add(Thread.ofPlatform().name(name).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < jobs.size()) {
                    Job job = jobs.get(i);
                    long t0 = System.nanoTime();
                    Result r = pipeline.process(job, new JobContext("in-process/" + name, 1, 0));
                    long t1 = System.nanoTime();
                    rows[i] = new Row(job.id(), r.succeeded() ? "OK" : r.error().code().name(), t0 - start, t1 - start,
                            r.timings());
                }
            }));
        }
        for (Thread t : pool) {
            t.join();
        }
    }

    private static List<Job> readJobs(Path file) throws IOException {
        JobCodec codec = new JobCodec();
        List<Job> jobs = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            try {
                jobs.add(codec.decode(line.getBytes(StandardCharsets.UTF_8)));
            } catch (InvalidJobException e) {
                throw new IllegalArgumentException("bad job in " + file + ": " + e.getMessage(), e);
            }
        }
        return jobs;
    }
}
