package io.imagefleet.local.bench;

import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.worker.imaging.ImageProbe;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.kernel.JobFailure;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The images a bench runs on, each with its size as its header gives it, read with the worker's
 * own probe. Jobs take the images in turn, so a run longer than the set goes round it again.
 * Immutable.
 *
 * @param root        the directory the images are in (the workers' file root)
 * @param images      the images, sorted by path
 * @param description where they came from, for the report
 */
record ImageSet(Path root, List<Image> images, String description) {

    /** One image of the set. */
    record Image(Path path, String format, int width, int height, long bytes) {
        double megapixels() {
            return (double) width * height / 1e6;
        }
    }

    ImageSet {
        images = List.copyOf(images);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to bench in " + root);
        }
    }

    /** The image the {@code i}-th job of a run uses. */
    Image forJob(int i) {
        return images.get(i % images.size());
    }

    int size() {
        return images.size();
    }

    double totalMegapixels() {
        return images.stream().mapToDouble(Image::megapixels).sum();
    }

    double meanMegapixels() {
        return totalMegapixels() / images.size();
    }

    /**
     * Every file under {@code dir} whose header the worker can read (HEIC and AVIF through libheif when
     * it is installed); the others are named on
     * {@code log} and left out.
     */
    static ImageSet load(Path dir, PrintStream log) throws IOException {
        Path root = dir.toRealPath();
        ImageProbe probe = new ImageProbe(Long.MAX_VALUE, NativeCodecs.load(false, false));
        List<Image> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            byte[] bytes = Files.readAllBytes(f);
            try {
                ProbeResult header = probe.probe(bytes);
                found.add(new Image(f, header.format(), header.width(), header.height(), bytes.length));
            } catch (JobFailure e) {
                log.println("leaving out " + root.relativize(f) + ": " + e.getMessage());
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no readable images in " + dir + " (" + files.size() + " files)");
        }
        return new ImageSet(root, found, files.size() == found.size()
                ? dir.toString() : dir + " (" + found.size() + " of " + files.size() + " files)");
    }

    /** Generates {@code count} photo-like JPEGs of {@code minMp}-{@code maxMp} megapixels into {@code dir}. */
    static ImageSet generate(Path dir, int count, double minMp, double maxMp, long seed, PrintStream log)
            throws IOException {
        log.printf("generating %d photo-like JPEGs of %.0f-%.0f MP (seed %d)...%n", count, minMp, maxMp, seed);
        SampleImages.generate(dir, count, minMp, maxMp, seed);
        ImageSet set = load(dir, log);
        return new ImageSet(set.root(), set.images(), String.format(Locale.ROOT,
                "%d generated photo-like JPEGs, %.0f-%.0f MP, seed %d", count, minMp, maxMp, seed));
    }
}
