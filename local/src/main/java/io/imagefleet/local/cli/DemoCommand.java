package io.imagefleet.local.cli;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.local.broker.EmbeddedBroker;
import io.imagefleet.local.broker.TopicSetup;
import io.imagefleet.local.demo.DemoReport;
import io.imagefleet.local.demo.DemoStorage;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.local.demo.DemoFleet;
import io.imagefleet.local.monitor.DemoMonitor;
import io.imagefleet.producer.JobPublisher;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.producer.cli.Progress;
import io.imagefleet.producer.cli.SubmitCommand;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.DecodePath;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * {@code imagefleet demo}: the whole fleet on one machine. An embedded broker and (unless
 * {@code --storage file}) an embedded S3 server holding the images and outputs, in a temporary
 * directory, the supervisor with its worker JVMs, a sample set (generated, or {@code --images}),
 * one job per image with two outputs (or more jobs going round the images), live progress with
 * recycles and crashes, a summary and an HTML contact sheet; then everything is stopped.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the fleet on this machine: embedded Kafka, worker JVMs, a sample set, a summary and a contact sheet.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--images", description = "A directory of images to process (default: generate photo-like samples).")
    Path images;

    @Option(names = "--count", description = "How many sample images to generate (default ${DEFAULT-VALUE}).")
    int count = 24;

    @Option(names = "--processes", description = "Worker JVMs (default ${DEFAULT-VALUE}).")
    int processes = 2;

    @Option(names = "--threads", description = "Threads per worker JVM (default ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--out", description = "Where outputs and index.html go (default ${DEFAULT-VALUE}).")
    Path out = Path.of("imagefleet-demo-out");

    @Option(names = "--storage", description = "Where images and outputs live: s3 (default: the embedded S3 server, "
            + "images uploaded to a bucket, s3:// jobs) or file (file:// sources and targets).")
    String storage = "s3";

    @Option(names = "--timeout", description = "How long to wait for all results, in seconds (default ${DEFAULT-VALUE}).")
    int timeoutSeconds = 600;

    @Option(names = "--recycle-after", description = "Recycle each worker JVM after this many jobs "
            + "(IMAGEFLEET_RECYCLE_MAX_JOBS; default: the worker's own, 1000).")
    Integer recycleAfter;

    @Option(names = "--jobs", description = "Jobs to publish, going round the images (default: one per image, "
            + "or with --recycle-after enough for every worker JVM to recycle a few times).")
    Integer jobs;

    @Option(names = "--monitor", description = "Run Prometheus (/usr/bin/prometheus) on the fleet with the shipped "
            + "alert rules and say in the summary which alerts fired.")
    boolean monitor;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        DecodePath.detect(System.getenv()).lines().forEach(err::println);
        Path work = Files.createTempDirectory("imagefleet-demo-");
        Path outDir = Files.createDirectories(out.toAbsolutePath().normalize());
        DemoStorage.Kind storageKind = DemoStorage.Kind.parse(storage);
        Path imageRoot = images != null ? images.toAbsolutePath().normalize() : work.resolve("images");
        try (EmbeddedBroker broker = new EmbeddedBroker(work.resolve("broker"), 0, 6);
             DemoStorage store = DemoStorage.start(storageKind, work, imageRoot, outDir, err)) {
            err.println("starting an embedded Kafka broker...");
            broker.start();
            KafkaSettings kafka = KafkaSettings.of(broker.bootstrapServers());
            Topics topics = Topics.defaults();
            TopicSetup.ensure(kafka, topics, 6, (short) 1);
            err.println("broker ready on " + broker.bootstrapServers());

            List<Path> files = sources(work.resolve("images"), err);
            Map<Path, String> sourceUris = store.sources(files);
            err.println("storage: " + store.describe());
            Map<String, String> env = new HashMap<>(store.workerEnv());
            env.putAll(Map.of(
                    "IMAGEFLEET_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "IMAGEFLEET_THREADS", Integer.toString(threads),
                    "IMAGEFLEET_PROCESSES", Integer.toString(processes),
                    "IMAGEFLEET_CHILD_HEAP", "256m"));
            if (recycleAfter != null) {
                env.put("IMAGEFLEET_RECYCLE_MAX_JOBS", Integer.toString(recycleAfter));
            }
            env.put("IMAGEFLEET_AOT_CACHE", System.getenv().getOrDefault("IMAGEFLEET_AOT_CACHE",
                    DemoFleet.defaultAotCache().toString()));
            err.println("starting the supervisor: " + processes + " worker JVMs (" + threads + " thread(s) each) "
                    + "and a spare" + (recycleAfter == null ? "" : ", each recycling after about " + recycleAfter + " jobs")
                    + "; logs in " + work);
            try (DemoMonitor watch = monitor ? DemoMonitor.create(processes, work.resolve("prometheus"), err) : null;
                 DemoFleet fleet = DemoFleet.start(env, work, Progress.onTerminal() ? null : err,
                    watch == null ? SupervisorListener.NONE : watch.listener());
                 ResultReader reader = new ResultReader(kafka, topics.results(), new ResultReader.Start.End())) {
                if (watch != null) {
                    watch.watch(fleet.supervisor());
                }
                DemoReport report = run(files, sourceUris, store.target(), kafka, topics, reader, fleet, err);
                err.println("stopping workers and broker...");
                boolean clean = fleet.stop();
                report.print(System.out);
                fleet.print(System.out);
                if (watch != null) {
                    watch.print(System.out);
                }
                Path index = report.writeContactSheet(outDir, store.readBack(report.results()));
                System.out.println("contact sheet: " + index.toUri());
                if (!clean) {
                    err.println("not every worker JVM stopped cleanly (logs in " + work + ")");
                }
                return report.succeeded() == report.totalJobs() && clean ? 0 : 1;
            }
        } finally {
            deleteTree(work);
        }
    }

    private List<Path> sources(Path generated, PrintStream err) throws IOException {
        if (images != null) {
            try (Stream<Path> walk = Files.walk(images)) {
                List<Path> found = walk.filter(Files::isRegularFile).sorted().toList();
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("no files in " + images);
                }
                err.println("using " + found.size() + " files from " + images);
                return found;
            }
        }
        err.println("generating " + count + " photo-like sample images (2-6 MP)...");
        return SampleImages.generate(generated, count, 2, 6, 42);
    }

    /** Jobs to publish: --jobs, else one per image, else (recycling) enough for each worker JVM to recycle about three times. */
    private int jobCount(int imageCount) {
        if (jobs != null) {
            return jobs;
        }
        return recycleAfter == null ? imageCount : Math.max(imageCount, 3 * processes * recycleAfter);
    }

    private DemoReport run(List<Path> files, Map<Path, String> sourceUris, String target, KafkaSettings kafka, Topics topics,
                           ResultReader reader, DemoFleet fleet, PrintStream err) throws Exception {
        List<OutputSpec> outputs = List.of(
                OutputSpec.of("thumb", List.of(Op.Resize.inside(256, 256)), Format.JPEG, 85, target),
                new OutputSpec("preview", List.of(Op.Resize.inside(1024, 1024)), Format.JPEG, 80, target, true, null, null));
        Map<String, Long> publishedAt = new ConcurrentHashMap<>();
        List<String> ids = new ArrayList<>();
        long start = System.currentTimeMillis();
        try (JobPublisher publisher = new JobPublisher(kafka, topics.jobs())) {
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            Path root = images != null ? images.toAbsolutePath().normalize() : files.get(0).getParent();
            int total = jobCount(files.size());
            for (int i = 0; i < total; i++) {
                Path f = files.get(i % files.size());
                String uri = sourceUris.get(f);
                // Ids from the path under the image root, so a rerun writes over the same outputs.
                String id = SubmitCommand.jobId(root.relativize(f.toAbsolutePath().normalize()).toString());
                int round = i / files.size();
                Job job = Job.of(round == 0 ? id : id + "-" + (round + 1), uri, outputs);
                ids.add(job.id());
                sends.add(publisher.publish(job).whenComplete((md, ex) -> {
                    if (md != null) {
                        publishedAt.put(job.id(), md.timestamp());
                    }
                }));
            }
            publisher.flush();
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        }
        err.println("published " + ids.size() + " jobs; waiting for results");
        ResultAwaiter awaiter = new ResultAwaiter(reader);
        Map<String, ReceivedResult> got;
        int[] failed = {0};
        try (Progress progress = Progress.start("results", ids.size(), "jobs")) {
            got = awaiter.await(ids, Duration.ofSeconds(timeoutSeconds), r -> {
                if (!r.result().succeeded()) {
                    failed[0]++;
                }
                progress.extra(fleet.liveSummary() + (failed[0] == 0 ? "" : ", " + failed[0] + " failed"));
                progress.step();
            });
        }
        long last = got.values().stream().mapToLong(ReceivedResult::timestamp).max().orElse(System.currentTimeMillis());
        if (got.size() < ids.size()) {
            err.println("timed out: " + (ids.size() - got.size()) + " jobs have no result after " + timeoutSeconds + " s");
        }
        return new DemoReport(got.values(), publishedAt, last - start, ids.size(), awaiter.duplicates());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
