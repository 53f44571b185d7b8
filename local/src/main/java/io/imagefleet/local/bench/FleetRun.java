package io.imagefleet.local.bench;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.local.broker.TopicSetup;
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
import java.util.HashMap;
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
 * Runs the fleet part as a user runs a fleet: {@code imagefleet worker --processes P} (the
 * supervisor, in a JVM of its own, with P worker JVMs of T threads and a spare) against a Kafka
 * broker, on fresh topics. It waits until every worker holds partitions, warms them up, then
 * measures a run at saturation and, when asked, an open-loop run at a set rate. The CPU of the
 * workers, the supervisor, the broker and the bench itself is counted during each run, and the
 * resident memory of the supervisor and of every worker JVM is read before they are stopped.
 * Not thread-safe.
 */
final class FleetRun {
    private static final Duration GROUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(60);
    /** Jobs without a result per worker thread at saturation, at the least: enough that none waits for work. */
    static final int QUEUED_PER_THREAD = 4;

    /** What a fleet of one shape measured; {@code openLoop} and {@code recycling} are null when not asked for. */
    record Outcome(Run saturation, Run openLoop, RecycleFigures recycling) {
    }

    /**
     * How the fleet's JVMs are set up.
     *
     * @param heap          each worker JVM's -Xmx ({@code IMAGEFLEET_CHILD_HEAP})
     * @param jvmOptions    more options for each worker JVM ({@code IMAGEFLEET_CHILD_JVM_OPTS})
     * @param supervisorJvm the supervisor JVM's options
     */
    record Jvms(String heap, List<String> jvmOptions, List<String> supervisorJvm) {
        Jvms {
            jvmOptions = List.copyOf(jvmOptions);
            supervisorJvm = List.copyOf(supervisorJvm);
        }
    }

    private final KafkaSettings kafka;
    private final List<Long> brokerPids;
    private final ImageSet images;
    private final JobSpec spec;
    private final Jvms jvms;
    private final int partitions;
    private final Path work;
    private final Duration timeout;
    private final PrintStream log;
    private RemoteSource source;

    /** @param brokerPids the embedded broker's pid, so its CPU is counted; empty for an outside broker */
    FleetRun(KafkaSettings kafka, List<Long> brokerPids, ImageSet images, JobSpec spec, Jvms jvms, int partitions,
             Path work, Duration timeout, PrintStream log) {
        this.kafka = kafka;
        this.brokerPids = List.copyOf(brokerPids);
        this.images = images;
        this.spec = spec;
        this.jvms = jvms;
        this.partitions = partitions;
        this.work = work;
        this.timeout = timeout;
        this.log = log;
    }

    /** From now on, read sources from (and write outputs where it says) this remote source; null for files. */
    FleetRun readingFrom(RemoteSource remote) {
        this.source = remote;
        return this;
    }

    /**
     * Measures a fleet of {@code processes} worker JVMs with {@code threads} threads each, run by
     * a supervisor. Recycling is off unless {@code recycleAfter} asks for it.
     *
     * @param openLoop     the open-loop run to make after the saturation run, or null for none
     * @param recycleAfter recycle each worker JVM after about this many jobs, or 0 for never
     */
    Outcome run(int processes, int threads, RunLength warmup, RunLength length, OpenLoop openLoop, int recycleAfter)
            throws IOException, InterruptedException {
        String shape = processes + "x" + threads;
        String id = "bench-" + shape + (recycleAfter > 0 ? "-recycling" : "") + (source == null ? "" : "-"
                + source.name().replaceAll("[^a-z0-9]+", "")) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        Topics topics = new Topics(id + ".jobs", id + ".results", id + ".dlq");
        TopicSetup.ensure(kafka, topics, partitions, (short) 1);
        awaitTopics(topics);
        Path logs = Files.createDirectories(work.resolve(id));
        log.printf("fleet, a supervisor with %d worker JVM(s) x %d thread(s)%s: starting, then %s of warm-up "
                + "(logs in %s)...%n", processes, threads, recycleAfter > 0 ? ", recycling every " + recycleAfter
                + " jobs" : "", warmup.describe(), logs);
        int perPartition = perPartition(processes, threads, partitions);
        try (SupervisorProcess supervisor = SupervisorProcess.start(processes, threads, env(id, topics, threads,
                recycleAfter), jvms.supervisorJvm(), logs.resolve("supervisor.log"));
             ResultReader reader = new ResultReader(kafka, topics.results(), new ResultReader.Start.End());
             JobPublisher publisher = new JobPublisher(kafka, topics.jobs())) {
            awaitGroup(id, processes, supervisor, logs);
            LoadDriver driver = new LoadDriver(publisher, reader, images, source == null ? spec : spec.from(source),
                    partitions);
            driver.saturate("warm-" + shape, warmup, perPartition, timeout);
            log.printf("fleet %s: %s, %d job(s) without a result in each of %d partitions...%n", shape,
                    length.describe(), perPartition, partitions);
            // A recycle run goes on until a recycle has ended, however short its length: it is there to measure one.
            Measured sat = measure(supervisor, () -> driver.saturate("sat-" + shape, length, perPartition, timeout,
                    () -> recycleAfter > 0 && supervisor.recycles().isEmpty()));
            Measured open = null;
            double rate = 0;
            if (openLoop != null) {
                rate = openLoop.rateFor(toRun("fleet", processes, threads, sat.done(), List.of(), 0, -1, Map.of()));
                int count = openLoop.jobsAt(rate);
                double r = rate;
                log.printf(Locale.ROOT, "fleet %s: open loop, %d jobs at %.2f jobs/s...%n", shape, count, rate);
                open = measure(supervisor, () -> driver.openLoop("open-" + shape, count, r, timeout));
            }
            List<ProcessMemory> memory = memory(supervisor, shape);
            List<RecycleLog.Recycle> recycles = supervisor.recycles();
            int code = supervisor.stop(STOP_GRACE);
            if (code != 0) {
                log.println("warning: the supervisor exited " + code + "; its log: " + logs.resolve("supervisor.log"));
            }
            if (driver.duplicates() > 0) {
                log.println("note: " + driver.duplicates() + " duplicate results (at-least-once redelivery)");
            }
            if (recycleAfter == 0 && !recycles.isEmpty()) {
                log.println("note: " + recycles.size() + " worker JVM(s) recycled on their own (" + recycles.stream()
                        .map(RecycleLog.Recycle::reason).distinct().toList() + ") during the run");
            }
            writeJobs(logs.resolve("jobs-saturation.tsv"), sat.done());
            Run saturation = toRun(source != null ? "fleet " + source.name() : recycleAfter > 0 ? "fleet recycling" : "fleet", processes, threads, sat.done(),
                    memory, 0, sat.others(), sat.cpu());
            Run openRun = null;
            if (open != null) {
                writeJobs(logs.resolve("jobs-open-loop.tsv"), open.done());
                openRun = toRun("fleet open loop", processes, threads, open.done(), memory, rate, open.others(), open.cpu());
            }
            return new Outcome(saturation, openRun, recycleAfter > 0 ? RecycleFigures.of(recycles, sat.done()) : null);
        }
    }

    /** The fleet's settings: its topics and group, the file roots, the worker JVMs, recycling. */
    private Map<String, String> env(String group, Topics topics, int threads, int recycleAfter) {
        Map<String, String> env = new HashMap<>();
        env.put("IMAGEFLEET_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("IMAGEFLEET_JOBS_TOPIC", topics.jobs());
        env.put("IMAGEFLEET_RESULTS_TOPIC", topics.results());
        env.put("IMAGEFLEET_DLQ_TOPIC", topics.dlq());
        env.put("IMAGEFLEET_GROUP_ID", group);
        env.put("IMAGEFLEET_FILE_ROOTS", images.root().toString());
        env.put("IMAGEFLEET_OUTPUT_ROOTS", spec.target().toString());
        env.put("IMAGEFLEET_THREADS", Integer.toString(threads));
        env.put("IMAGEFLEET_CHILD_HEAP", jvms.heap());
        if (!jvms.jvmOptions().isEmpty()) {
            env.put("IMAGEFLEET_CHILD_JVM_OPTS", String.join(" ", jvms.jvmOptions()));
        }
        // Throughput runs do not recycle on a schedule (a recycle run asks for it); heap and RSS triggers stay as set.
        env.put("IMAGEFLEET_RECYCLE_MAX_JOBS", Integer.toString(recycleAfter));
        env.put("IMAGEFLEET_RECYCLE_MAX_AGE", "0s");
        if (source != null) {
            env.putAll(source.env());
        }
        return env;
    }

    /** What one measured stretch of a run gave: its jobs, the CPU each part used, and other processes' share. */
    private record Measured(List<LoadDriver.Done> done, Map<String, Double> cpu, double others,
                            Map<Long, Double> cpuByPid) {
    }

    private Measured measure(SupervisorProcess supervisor, java.util.function.Supplier<List<LoadDriver.Done>> stretch) {
        List<Long> workers = supervisor.workerPids();
        CpuMeter meter = new CpuMeter(Map.of(
                "worker JVMs", workers,
                "supervisor", List.of(supervisor.pid()),
                "Kafka broker", brokerPids,
                "bench (publisher and result reader)", List.of(ProcessHandle.current().pid())));
        CpuShare before = CpuShare.sample();
        Map<String, Map<Long, Double>> cpu0 = meter.read();
        List<LoadDriver.Done> done = stretch.get();
        Map<String, Map<Long, Double>> cpu1 = meter.read();
        double others = before.othersSince(CpuShare.sample(), Runtime.getRuntime().availableProcessors());
        // Per worker JVM alive at both readings (one gone in between, such as the AOT training JVM, is left out).
        Map<Long, Double> perPid = new HashMap<>();
        Map<Long, Double> workers0 = cpu0.get("worker JVMs");
        cpu1.get("worker JVMs").forEach((pid, s) -> {
            if (workers0.containsKey(pid)) {
                perPid.put(pid, s - workers0.get(pid));
            }
        });
        return new Measured(done, CpuMeter.between(cpu0, cpu1), others, perPid);
    }

    /** Jobs to keep in each partition so that every worker thread has {@link #QUEUED_PER_THREAD} at the least. */
    static int perPartition(int processes, int threads, int partitions) {
        int partitionsPerWorker = partitions / processes;
        return Math.max(1, (QUEUED_PER_THREAD * threads + partitionsPerWorker - 1) / partitionsPerWorker);
    }

    /**
     * The supervisor's and every worker JVM's memory, each named by what the supervisor's log says
     * it is (a slot's, the idle spare, or the JVM training the AOT cache on a first run).
     */
    private static List<ProcessMemory> memory(SupervisorProcess supervisor, String shape) {
        List<ProcessMemory> out = new ArrayList<>();
        ProcessMemory.of("supervisor " + shape, supervisor.pid()).ifPresent(out::add);
        Map<Long, String> roles = supervisor.roles();
        for (long pid : supervisor.workerPids()) {
            String role = roles.getOrDefault(pid, SupervisorProcess.WORKER);
            ProcessMemory.of(role + " " + shape + " pid " + pid, pid).ifPresent(out::add);
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
    private void awaitGroup(String group, int members, SupervisorProcess supervisor, Path logs)
            throws InterruptedException {
        long deadline = System.nanoTime() + GROUP_TIMEOUT.toNanos();
        String last = "not described yet";
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            while (System.nanoTime() < deadline) {
                if (!supervisor.isAlive()) {
                    throw new IllegalStateException("the supervisor exited with code " + supervisor.exitValue()
                            + " before the group formed; its log: " + logs.resolve("supervisor.log"));
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
