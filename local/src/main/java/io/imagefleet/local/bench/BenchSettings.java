package io.imagefleet.local.bench;

import io.imagefleet.config.ByteSize;
import io.imagefleet.worker.supervise.ChildHeap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything a bench run is told, checked at once. Immutable.
 *
 * @param images           a directory of images, or null to generate photo-like JPEGs
 * @param count            how many to generate
 * @param minMegapixels    the smallest generated image
 * @param maxMegapixels    the largest generated image
 * @param seed             the generator's seed
 * @param threads          in-process thread counts to measure
 * @param fleet            fleet shapes (processes x threads) to measure
 * @param referenceLanes   processes at once for the reference tools
 * @param jobs             jobs per measured run, or 0 to run each for {@code runTime}
 * @param runTime          how long jobs keep starting in each measured run, when {@code jobs} is 0
 * @param warmup           how long each run is warmed up (not measured) first
 * @param openLoop         the open-loop run of the largest fleet shape
 * @param size             thumbnails fit inside size x size
 * @param quality          JPEG quality of the thumbnails
 * @param heap             the worker JVMs' (and the in-process JVM's) -Xmx
 * @param jvmOptions       more options for those JVMs
 * @param partitions       partitions of the bench topics
 * @param parts            which parts to run
 * @param out              the results directory
 * @param bootstrapServers an existing broker to use, or null to start an embedded one
 * @param runTimeout       the longest one run may take
 * @param repeat           how many times to run everything; the report keeps the fastest of each
 * @param recycleAfter     the recycle run's jobs per worker JVM before it recycles; 0 for no recycle run
 * @param supervisorHeap   the supervisor JVM's -Xmx
 * @param rssLimit         the resident set each worker JVM should stay within, or null for its share of a pod
 */
record BenchSettings(Path images, int count, double minMegapixels, double maxMegapixels, long seed,
                     List<Integer> threads, List<Shape> fleet, List<Integer> referenceLanes, int jobs, Duration runTime, Duration warmup,
                     OpenLoop openLoop, int size, int quality, String heap, List<String> jvmOptions, int partitions, Set<Part> parts, Path out,
                     String bootstrapServers, Duration runTimeout, int repeat, int recycleAfter,
                     String supervisorHeap, String rssLimit) {

    /** A part of the bench. */
    enum Part {
        IN_PROCESS, FLEET, REFERENCE;

        static Part parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "in-process" -> IN_PROCESS;
                case "fleet" -> FLEET;
                case "reference" -> REFERENCE;
                default -> throw new IllegalArgumentException("unknown part '" + s + "' (in-process, fleet, reference)");
            };
        }
    }

    /** Processes x threads of a fleet. */
    record Shape(int processes, int threads) {
        static Shape parse(String s) {
            String[] pt = s.trim().toLowerCase(Locale.ROOT).split("x");
            if (pt.length != 2) {
                throw new IllegalArgumentException("a fleet shape is PROCESSESxTHREADS such as 2x1, got '" + s + "'");
            }
            try {
                return new Shape(Integer.parseInt(pt[0]), Integer.parseInt(pt[1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a fleet shape is PROCESSESxTHREADS such as 2x1, got '" + s + "'");
            }
        }

        int cores() {
            return processes * threads;
        }

        @Override
        public String toString() {
            return processes + "x" + threads;
        }
    }

    BenchSettings {
        threads = List.copyOf(threads);
        jvmOptions = List.copyOf(jvmOptions);
        fleet = List.copyOf(fleet);
        referenceLanes = List.copyOf(referenceLanes);
        parts = parts.isEmpty() ? EnumSet.noneOf(Part.class) : EnumSet.copyOf(parts);
    }

    boolean runs(Part part) {
        return parts.contains(part);
    }

    /** The options of the worker and in-process JVMs. */
    List<String> jvm() {
        List<String> all = new ArrayList<>();
        all.add("-Xmx" + heap);
        all.addAll(jvmOptions);
        return all;
    }

    /**
     * The resident set each worker JVM should stay within: {@code --rss-limit}, or else its share of
     * a pod for its heap ({@link ChildHeap#share}).
     */
    long rssLimitBytes() {
        return rssLimit != null ? ByteSize.parse(rssLimit) : ChildHeap.share(ByteSize.parse(heap));
    }

    /** How long each measured run lasts. */
    RunLength length() {
        return jobs > 0 ? RunLength.ofJobs(jobs) : RunLength.ofTime(runTime);
    }

    RunLength warmupLength() {
        return RunLength.ofTime(warmup);
    }

    /** Every problem with these settings, one message each; empty when they are fine. */
    List<String> problems() {
        List<String> p = new ArrayList<>();
        if (images != null && !Files.isDirectory(images)) {
            p.add("--images must be a directory, got '" + images + "'");
        }
        if (images == null && (count < 1 || count > 1000)) {
            p.add("--count must be between 1 and 1000, got " + count);
        }
        if (minMegapixels <= 0 || maxMegapixels < minMegapixels || maxMegapixels > 50) {
            p.add("--megapixels must be MIN-MAX with 0 < MIN <= MAX <= 50, got " + minMegapixels + "-" + maxMegapixels);
        }
        threads.stream().filter(t -> t < 1 || t > 256).forEach(t -> p.add("--threads must be 1-256, got " + t));
        referenceLanes.stream().filter(t -> t < 1 || t > 256)
                .forEach(t -> p.add("--reference-processes must be 1-256, got " + t));
        for (Shape s : fleet) {
            if (s.processes() < 1 || s.processes() > 64 || s.threads() < 1 || s.threads() > 256) {
                p.add("--fleet shapes need 1-64 processes and 1-256 threads, got " + s);
            } else if (s.processes() > partitions) {
                p.add("--fleet " + s + " has more processes than --partitions " + partitions
                        + ": some workers would have nothing to do");
            }
        }
        if (jobs < 0) {
            p.add("--jobs must be 0 (run for --seconds) or more, got " + jobs);
        }
        if (jobs == 0 && (runTime.isNegative() || runTime.isZero())) {
            p.add("--seconds must be positive, got " + runTime.toSeconds());
        }
        if (warmup.isNegative()) {
            p.add("--warmup-seconds must be 0 or more, got " + warmup.toSeconds());
        }
        if (openLoop != null && (openLoop.rate() < 0 || openLoop.fraction() <= 0 || openLoop.fraction() > 2
                || openLoop.length().isNegative() || openLoop.length().isZero())) {
            p.add("the open loop needs --rate >= 0, 0 < --rate-fraction <= 2 and a positive --open-loop-seconds, got "
                    + openLoop.rate() + ", " + openLoop.fraction() + ", " + openLoop.length().toSeconds());
        }
        if (size < 1 || size > 65_500) {
            p.add("--size must be 1-65500, got " + size);
        }
        if (quality < 1 || quality > 100) {
            p.add("--quality must be 1-100, got " + quality);
        }
        if (!heap.matches("[0-9]+[kKmMgG]?")) {
            p.add("--heap must be a JVM heap size such as 256m, got '" + heap + "'");
        }
        if (partitions < 1 || partitions > 1000) {
            p.add("--partitions must be 1-1000, got " + partitions);
        }
        if (recycleAfter < 0) {
            p.add("--recycle-after must be 0 (no recycle run) or more, got " + recycleAfter);
        }
        if (!supervisorHeap.matches("[0-9]+[kKmMgG]?")) {
            p.add("--supervisor-heap must be a JVM heap size such as 64m, got '" + supervisorHeap + "'");
        }
        if (rssLimit != null && !rssLimit.matches("[0-9]+[kKmMgG]?")) {
            p.add("--rss-limit must be a size such as 512m, got '" + rssLimit + "'");
        }
        if (repeat < 1 || repeat > 20) {
            p.add("--repeat must be 1-20, got " + repeat);
        }
        if (parts.isEmpty()) {
            p.add("--parts must name at least one of in-process, fleet, reference");
        }
        return p;
    }
}
