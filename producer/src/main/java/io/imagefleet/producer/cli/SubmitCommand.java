package io.imagefleet.producer.cli;

import io.imagefleet.producer.JobPublisher;
import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.OutputSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * {@code imagefleet submit}: publishes one job per image (a file, every image in a directory,
 * or a URL), or the JSON-lines jobs read from stdin. Prints each job id on stdout.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Publish jobs: image files, directories of images, URLs, or JSON-lines jobs on stdin ('-').",
                "Prints one job id per line."})
public final class SubmitCommand implements Callable<Integer> {
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp",
            "psd", "tga", "pcx", "sgi", "rgb", "pnm", "pgm", "ppm", "pbm", "hdr", "icns", "iff", "pct", "pict", "ico");

    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "SOURCE", description = "Image files, directories, http(s):// or file:// URLs, or '-' for JSON-lines jobs on stdin.")
    List<String> sources = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "NAME:WxH[:FORMAT[:QUALITY]]",
            description = "An output per flag (default thumb:256x256:jpeg:85).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--fit", description = "How resizes fit their box: inside, cover, fill, exact (default inside).")
    String fit = "inside";

    @Option(names = "--target", description = "Directory URI the outputs are written to (default file://$PWD/imagefleet-out/).")
    String target;

    @Option(names = "--reply-to", description = "Topic the results go to (default: the results topic).")
    String replyTo;

    @Option(names = "--correlation-id", description = "Sent as the imagefleet-correlation-id header and echoed on each result.")
    String correlationId;

    @Override
    public Integer call() throws Exception {
        List<String> jsonLines = new ArrayList<>();
        List<Job> jobs = new ArrayList<>();
        if (sources.isEmpty() || sources.contains("-")) {
            jsonLines.addAll(readStdin());
        }
        String dir = target != null ? target : Path.of("imagefleet-out").toAbsolutePath().toUri().toString();
        List<OutputSpec> specs = (outputs.isEmpty() ? List.of("thumb:256x256:jpeg:85") : outputs).stream()
                .map(OutputOption::parse).map(o -> o.toSpec(Fit.fromWire(fit), dir)).toList();
        for (String s : sources) {
            if (!s.equals("-")) {
                for (String uri : expand(s)) {
                    Job job = Job.of(jobId(uri), uri, specs);
                    jobs.add(replyTo == null ? job : job.withReplyTo(replyTo));
                }
            }
        }
        int total = jobs.size() + jsonLines.size();
        if (total == 0) {
            System.err.println("nothing to submit: give image files, directories or URLs, or JSON lines on stdin");
            return 2;
        }
        PrintStream out = System.out;
        int failed = 0;
        try (JobPublisher publisher = new JobPublisher(kafka.kafka(), kafka.topics().jobs());
             Progress progress = total > 1 ? Progress.start("submit", total, "jobs") : null) {
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (Job job : jobs) {
                sends.add(track(publisher.publish(job, correlationId), job.id(), out, progress));
            }
            for (String line : jsonLines) {
                try {
                    Job job = new JobCodec().decode(line.getBytes(StandardCharsets.UTF_8));
                    sends.add(track(publisher.publishJson(line), job.id(), out, progress));
                } catch (io.imagefleet.wire.InvalidJobException e) {
                    System.err.println("skipped an invalid job: " + e.getMessage());
                    failed++;
                }
            }
            publisher.flush();
            for (CompletableFuture<?> f : sends) {
                try {
                    f.join();
                } catch (RuntimeException e) {
                    failed++;
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static CompletableFuture<?> track(CompletableFuture<?> send, String id, PrintStream out, Progress progress) {
        return send.whenComplete((md, ex) -> {
            synchronized (out) {
                if (ex != null) {
                    System.err.println("publishing " + id + " failed: " + ex.getMessage());
                } else {
                    out.println(id);
                }
                if (progress != null) {
                    progress.step();
                }
            }
        });
    }

    private static List<String> readStdin() throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }

    /** A source argument as URIs: a URL as it is, a file as its absolute URI, a directory as its images. */
    static List<String> expand(String source) {
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("file:")) {
            return List.of(source);
        }
        Path p = Path.of(source).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            try (Stream<Path> walk = Files.walk(p)) {
                return walk.filter(Files::isRegularFile).filter(SubmitCommand::looksLikeImage).sorted()
                        .map(f -> f.toUri().toString()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(source + " is not a file, a directory or a URL");
        }
        return List.of(p.toUri().toString());
    }

    static boolean looksLikeImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** A readable, deterministic id: the file's stem plus a short hash of the whole URI. */
    public static String jobId(String uri) {
        String path = uri.replaceAll("[?#].*$", "");
        String stem = path.substring(path.lastIndexOf('/') + 1).replaceAll("\\.[^.]*$", "");
        stem = stem.replaceAll("[^A-Za-z0-9._-]", "_");
        if (stem.length() > 80) {
            stem = stem.substring(0, 80);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8));
            return (stem.isEmpty() ? "img" : stem) + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
