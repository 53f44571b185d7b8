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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * {@code imagefleet submit}: publishes one job per image (a file, every file of a directory, or
 * a URL), or the JSON-lines jobs read from stdin. Prints each job id on stdout.
 *
 * <p>A directory contributes every regular, non-hidden file below it (hidden directories are
 * not entered), whatever its name: the worker finds the format in the bytes and answers
 * UNSUPPORTED_FORMAT for a file that is not an image, so no image is skipped for an unusual
 * extension ({@code .rgb8}, {@code .deep}, none at all). {@code --ext} narrows a directory to
 * the given extensions; files named on the command line are always submitted.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Publish jobs: image files, directories of images, URLs, or JSON-lines jobs on stdin ('-').",
                "A directory contributes every regular, non-hidden file below it (the worker answers",
                "UNSUPPORTED_FORMAT for what is not an image); --ext narrows that to some extensions.",
                "Prints one job id per line."})
public final class SubmitCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "SOURCE", description = "Image files, directories, http(s):// or file:// URLs, or '-' for JSON-lines jobs on stdin.")
    List<String> sources = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "NAME:WxH[:FORMAT[:QUALITY]]",
            description = "An output per flag (default thumb:256x256:jpeg:85).")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--ext", split = ",", paramLabel = "EXT",
            description = "From directories, only files with these extensions (comma-separated or repeated, any case, "
                    + "e.g. jpg,png). Default: every regular, non-hidden file.")
    List<String> extensions = new ArrayList<>();

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
        Set<String> only = extensionSet(extensions);
        for (String s : sources) {
            if (!s.equals("-")) {
                for (String uri : expand(s, only)) {
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

    /**
     * A source argument as URIs: a URL as it is, a file as its absolute URI, a directory as its
     * regular, non-hidden files, sorted (only those with one of {@code extensions}, lower case,
     * when there are some).
     */
    static List<String> expand(String source, Set<String> extensions) {
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("file:")) {
            return List.of(source);
        }
        Path p = Path.of(source).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            return filesUnder(p, extensions).stream().sorted().map(f -> f.toUri().toString()).toList();
        }
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(source + " is not a file, a directory or a URL");
        }
        return List.of(p.toUri().toString());
    }

    /** The {@code --ext} values as lower-case extensions without the dot; empty means every file. */
    static Set<String> extensionSet(List<String> values) {
        Set<String> set = new TreeSet<>();
        for (String v : values) {
            String e = v.strip().toLowerCase(Locale.ROOT);
            e = e.startsWith(".") ? e.substring(1) : e;
            if (e.isEmpty() || e.contains("/") || e.contains(".")) {
                throw new IllegalArgumentException("--ext takes extensions such as jpg,png; got '" + v + "'");
            }
            set.add(e);
        }
        return set;
    }

    private static List<Path> filesUnder(Path dir, Set<String> extensions) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return !d.equals(dir) && hidden(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    boolean regular = attrs.isRegularFile() || (attrs.isSymbolicLink() && Files.isRegularFile(f));
                    if (regular && !hidden(f) && (extensions.isEmpty() || extensions.contains(extension(f)))) {
                        files.add(f);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
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
