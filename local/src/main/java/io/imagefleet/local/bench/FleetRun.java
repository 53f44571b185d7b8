package io.imagefleet.local.bench;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.local.broker.TopicSetup;
import io.imagefleet.local.demo.WorkerProcesses;
import io.imagefleet.producer.JobPublisher;
import io.imagefleet.producer.ResultReader;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.GroupState;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the fleet part: P worker JVMs of T threads in one consumer group, against a Kafka broker,
 * on fresh topics. It waits until every worker holds partitions, warms them up, then measures a
 * closed-loop run at saturation and, when asked, an open-loop run at a set rate. The workers'
 * resident memory is read before they are stopped. Not thread-safe.
 */
final class FleetRun {
    private static final Duration GROUP_TIMEOUT = Duration.ofSeconds(120);
    /** Jobs without a result per worker thread at saturation, at the least: enough that none waits for work. */
    static final int QUEUED_PER_THREAD = 4;

    /** What a fleet of one shape measured. */
    record Outcome(Run saturation, Run openLoop) {
    }

    private final KafkaSettings kafka;
    private final ImageSet images;
    private final JobSpec spec;
    private final List<String> jvmOptions;
    private final int partitions;
    private final Path work;
    private final Duration timeout;
    private final PrintStream log;
    private final List<Long> brokerPids;

    /** @param brokerPids the embedded broker's pid, so its CPU is counted; empty for an outside broker */
    FleetRun(KafkaSettings kafka, List<Long> brokerPids, ImageSet images, JobSpec spec, List<String> jvmOptions,
             int partitions, Path work, Duration timeout, PrintStream log) {
        this.kafka = kafka;
        this.brokerPids = List.copyOf(brokerPids);
        this.images = images;
        this.spec = spec;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.partitions = partitions;
        this.work = work;
        this.timeout = timeout;
        this.log = log;
    }

    /**
     * Measures a fleet of {@code processes} JVMs with {@code threads} threads each.
     *
     * @param openLoop the open-loop run to make after the saturation run, or null for none
     */
    Outcome run(int processes, int threads, RunLength warmup, RunLength length, OpenLoop openLoop)
            throws IOException, InterruptedException {
        String shape = processes + "x" + threads;
        String id = "bench-" + shape + "-" + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(id + ".jobs", id + ".results", id + ".dlq");
        TopicSetup.ensure(kafka, topics, partitions, (short) 1);
        awaitTopics(topics);
        Path logs = Files.createDirectories(work.resolve(id));
        Map<String, String> env = Map.of(
                "IMAGEFLEET_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "IMAGEFLEET_JOBS_TOPIC", topics.jobs(),
                "IMAGEFLEET_RESULTS_TOPIC", topics.results(),
                "IMAGEFLEET_DLQ_TOPIC", topics.dlq(),
                "IMAGEFLEET_GROUP_ID", id,
                "IMAGEFLEET_FILE_ROOTS", images.root().toString(),
                "IMAGEFLEET_OUTPUT_ROOTS", spec.target().toString(),
                "IMAGEFLEET_THREADS", Integer.toString(threads));
        log.printf("fleet, %d worker JVM(s) x %d thread(s): starting, then %s of warm-up (logs in %s)...%n",
                processes, threads, warmup.describe(), logs);
        int perPartition = perPartition(processes, threads, partitions);
        try (WorkerProcesses workers = WorkerProcesses.start(processes, env, jvmOptions, logs);
             ResultReader reader = new ResultReader(kafka, topics.results(), new ResultReader.Start.End());
             JobPublisher publisher = new JobPublisher(kafka, topics.jobs())) {
            awaitGroup(id, processes, workers, logs);
            LoadDriver driver = new LoadDriver(publisher, reader, images, spec, partitions);
            driver.saturate("warm-" + shape, warmup, perPartition, timeout);
            log.printf("fleet %s: %s, %d job(s) without a result in each of %d partitions...%n", shape,
                    length.describe(), perPartition, partitions);
            int cores = Runtime.getRuntime().availableProcessors();
            CpuMeter meter = new CpuMeter(Map.of(
                    "worker JVMs", workers.processes().stream().map(Process::pid).toList(),
                    "Kafka broker", brokerPids,
                    "bench (publisher and result reader)", List.of(ProcessHandle.current().pid())));
            CpuShare before = CpuShare.sample();
            Map<String, Double> cpu0 = meter.read();
            List<LoadDriver.Done> saturated = driver.saturate("sat-" + shape, length, perPartition, timeout);
            Map<String, Double> cpu1 = meter.read();
            CpuShare after = CpuShare.sample();
            double satOthers = before.othersSince(after, cores);
            double openOthers = -1;
            Map<String, Double> openCpu = Map.of();
            List<LoadDriver.Done> open = List.of();
            double rate = 0;
            if (openLoop != null) {
                Run sat = toRun("fleet", processes, threads, saturated, List.of(), 0, satOthers, Map.of());
                rate = openLoop.rateFor(sat);
                int count = openLoop.jobsAt(rate);
                log.printf(Locale.ROOT, "fleet %s: open loop, %d jobs at %.2f jobs/s...%n", shape, count, rate);
                open = driver.openLoop("open-" + shape, count, rate, timeout);
                openOthers = after.othersSince(CpuShare.sample(), cores);
                openCpu = CpuMeter.between(cpu1, meter.read());
            }
            List<ProcessMemory> memory = memory(workers, shape);
            List<Integer> codes = workers.stop(30);
            if (codes.stream().anyMatch(c -> c != 0)) {
                log.println("warning: worker exit codes " + codes + "; logs in " + logs);
            }
            if (driver.duplicates() > 0) {
                log.println("note: " + driver.duplicates() + " duplicate results (at-least-once redelivery)");
            }
            writeJobs(logs.resolve("jobs-saturation.tsv"), saturated);
            writeJobs(logs.resolve("jobs-open-loop.tsv"), open);
            Run saturation = toRun("fleet", processes, threads, saturated, memory, 0, satOthers,
                    CpuMeter.between(cpu0, cpu1));
            Run openRun = openLoop == null ? null
                    : toRun("fleet open loop", processes, threads, open, memory, rate, openOthers, openCpu);
            return new Outcome(saturation, openRun);
        }
    }

    /** Jobs to keep in each partition so that every worker thread has {@link #QUEUED_PER_THREAD} at the least. */
    static int perPartition(int processes, int threads, int partitions) {
        int partitionsPerWorker = partitions / processes;
        return Math.max(1, (QUEUED_PER_THREAD * threads + partitionsPerWorker - 1) / partitionsPerWorker);
    }

    private static List<ProcessMemory> memory(WorkerProcesses workers, String shape) {
        List<ProcessMemory> out = new ArrayList<>();
        List<Process> ps = workers.processes();
        for (int slot = 0; slot < ps.size(); slot++) {
            ProcessMemory.of("worker JVM " + shape + " slot " + slot, ps.get(slot).pid()).ifPresent(out::add);
        }
        return out;
    }

    /** Every job of a run, one line each, for whoever wants to look closer than the report does. */
    private static void writeJobs(Path file, List<LoadDriver.Done> done) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("id\tworker\toutcome\tpublishedMs\tresultMs\tqueued,fetch,probe,admit,decode,process,encode,store,total");
        for (LoadDriver.Done d : done) {
            lines.add(d.id() + "\t" + d.worker() + "\t" + d.outcome() + "\t" + d.publishedMs() + "\t" + d.resultMs()
                    + "\t" + StageTimes.format(d.timings()));
        }
        Files.write(file, lines);
    }

    static Run toRun(String system, int processes, int threads, List<LoadDriver.Done> done, List<ProcessMemory> memory,
                     double offeredRate, double otherCores, Map<String, Double> cpuSeconds) {
        long first = done.stream().mapToLong(LoadDriver.Done::publishedMs).min().orElse(0);
        long last = done.stream().mapToLong(LoadDriver.Done::resultMs).max().orElse(first);
        SortedMap<String, Integer> failures = new TreeMap<>();
        List<Long> latencies = new ArrayList<>();
        List<Long> doneAt = new ArrayList<>();
        int ok = 0;
        double mp = 0;
        StageTimes stages = new StageTimes();
        List<ThreadUse.Span> spans = new ArrayList<>();
        for (LoadDriver.Done d : done) {
            stages.add(d.timings());
            if (d.timings() != null) {
                // The result's timestamp is taken as it is sent, just after the job: the job ran totalMs before it.
                spans.add(new ThreadUse.Span(d.worker(), d.resultMs() - d.timings().totalMs(), d.resultMs()));
            }
            latencies.add(d.latencyMs());
            doneAt.add(d.resultMs() - first);
            if (d.succeeded()) {
                ok++;
                mp += d.image().megapixels();
            } else {
                failures.merge(d.outcome(), 1, Integer::sum);
            }
        }
        return new Run(system, processes, threads, done.size(), ok, failures, (last - first) / 1000.0, mp,
                Latencies.of(latencies), doneAt, memory, offeredRate, otherCores, cpuSeconds,
                stages.means(), ThreadUse.of(spans, last - first, threads));
    }

    /** Waits until the broker serves the new topics' metadata, so that clients find every partition with a leader. */
    private void awaitTopics(Topics topics) throws InterruptedException {
        List<String> names = List.of(topics.jobs(), topics.results(), topics.dlq());
        long deadline = System.nanoTime() + GROUP_TIMEOUT.toNanos();
        String last = "not described yet";
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            while (System.nanoTime() < deadline) {
                try {
                    Map<String, TopicDescription> found = admin.describeTopics(names).allTopicNames()
                            .get(5, TimeUnit.SECONDS);
                    boolean ready = found.values().stream().allMatch(d -> d.partitions().size() == partitions
                            && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                    if (ready) {
                        return;
                    }
                    last = found.toString();
                } catch (ExecutionException | TimeoutException e) {
                    last = e.toString();
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the topics " + names + " were not ready within " + GROUP_TIMEOUT.toSeconds()
                + " s (last seen: " + last + ")");
    }

    /** Waits until the group has every worker as a member, each holding partitions, and is stable. */
    private void awaitGroup(String group, int members, WorkerProcesses workers, Path logs) throws InterruptedException {
        long deadline = System.nanoTime() + GROUP_TIMEOUT.toNanos();
        String last = "not described yet";
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            while (System.nanoTime() < deadline) {
                for (Process p : workers.processes()) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("a worker JVM exited with code " + p.exitValue()
                                + " before the group formed; logs in " + logs);
                    }
                }
                try {
                    ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups()
                            .get(group).get(5, TimeUnit.SECONDS);
                    int assigned = d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
                    boolean everyMemberWorks = d.members().stream()
                            .noneMatch((MemberDescription m) -> m.assignment().topicPartitions().isEmpty());
                    last = d.groupState() + ", " + d.members().size() + " members, " + assigned + " partitions assigned";
                    if (d.groupState() == GroupState.STABLE && d.members().size() == members && everyMemberWorks
                            && assigned == partitions) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e.toString();
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the group " + group + " did not form with " + members + " members within "
                + GROUP_TIMEOUT.toSeconds() + " s (last seen: " + last + "); logs in " + logs);
    }
}
