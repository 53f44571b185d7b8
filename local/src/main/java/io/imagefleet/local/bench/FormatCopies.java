package io.imagefleet.local.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The bench's images in another source format ({@code --formats}): each JPEG of the set encoded
 * as HEIC by {@code heif-enc} (libheif's x265, quality 50) or as AVIF by {@code avifenc}
 * (libaom, speed 6, its default quality), so the in-process pipeline and vipsthumbnail can be
 * measured on the same pictures in each format. Not thread-safe.
 */
final class FormatCopies {
    /** A source format the bench can measure. */
    enum SourceFormat {
        JPEG(null, null), HEIC("heif-enc", "heic"), AVIF("avifenc", "avif");

        final String tool;
        final String extension;

        SourceFormat(String tool, String extension) {
            this.tool = tool;
            this.extension = extension;
        }

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static SourceFormat parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "jpeg", "jpg" -> JPEG;
                case "heic", "heif" -> HEIC;
                case "avif" -> AVIF;
                default -> throw new IllegalArgumentException("unknown format '" + s + "' (jpeg, heic, avif)");
            };
        }
    }

    private FormatCopies() {
    }

    /** The encoder of the format on the search path, if installed. */
    static Optional<Path> tool(SourceFormat format, String searchPath) {
        if (format.tool == null || searchPath == null) {
            return Optional.empty();
        }
        for (String dir : searchPath.split(File.pathSeparator)) {
            Path exe = Path.of(dir.isEmpty() ? "." : dir, format.tool);
            if (Files.isRegularFile(exe) && Files.isExecutable(exe)) {
                return Optional.of(exe);
            }
        }
        return Optional.empty();
    }

    /**
     * Encodes every image of the set into {@code dir} with {@code exe}, and loads the copies as a set.
     *
     * @throws IOException when the encoder fails on an image (its output is in the message)
     */
    static ImageSet make(ImageSet jpegs, SourceFormat format, Path exe, Path dir, PrintStream log)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        log.printf("encoding the %d images as %s with %s...%n", jpegs.size(), format.wireName(), format.tool);
        long t0 = System.nanoTime();
        for (ImageSet.Image image : jpegs.images()) {
            String name = image.path().getFileName().toString().replaceFirst("\\.[^.]*$", "") + "." + format.extension;
            Path out = dir.resolve(name);
            List<String> cmd = new ArrayList<>(List.of(exe.toString()));
            if (format == SourceFormat.HEIC) {
                cmd.addAll(List.of("-q", "50", "-o", out.toString(), image.path().toString()));
            } else {
                cmd.addAll(List.of("-s", "6", "-j", "all", image.path().toString(), out.toString()));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " failed: " + new String(output, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        log.printf(Locale.ROOT, "  done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        ImageSet set = ImageSet.load(dir, log);
        return new ImageSet(set.root(), set.images(), jpegs.description() + ", as " + format.wireName() + " (" + format.tool
                + ")");
    }
}
