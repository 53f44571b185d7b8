package io.imagefleet.local.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Everything one bench measured, with what it ran on and how. Immutable.
 *
 * @param machine    the machine
 * @param command    the command line, for the report's "how to reproduce"
 * @param started    when the bench started
 * @param took       how long the whole bench took
 * @param images     the image set
 * @param spec       the job
 * @param length     how long each measured run lasted
 * @param warmup     how long each run was warmed up first
 * @param jvm        the options of the worker and in-process JVMs
 * @param inProcess  in-process runs, by threads
 * @param fleet      fleet runs at saturation, by shape
 * @param openLoop   the open-loop fleet run, or null
 * @param reference  reference-tool runs
 * @param recycling  the recycle run of the widest fleet shape and what recycling cost, or null
 * @param recycleAfter jobs per worker JVM before it recycles in the recycle run
 * @param rssLimit   the resident set each worker JVM should stay within, bytes
 * @param supervisorHeap the supervisor JVM's -Xmx
 * @param every      with --repeat, every run of every repetition (the others hold the best of each); else empty
 * @param versions   tool name to the version it reported
 * @param codecs     the codecs the pipeline used (native libraries or ImageIO)
 * @param loadBefore the 1-minute load average before the bench
 * @param loadAfter  the 1-minute load average after it
 * @param remoteSources the widest fleet shape's runs with remote sources (http with a set latency, s3), beside
 *                   its file run in {@code fleet}; empty when none was asked for
 * @param formats    with {@code --formats}: per source format, the in-process run on the most threads and the
 *                   vipsthumbnail run on the most processes, named {@code in-process heic}, {@code vipsthumbnail heic};
 *                   empty when only JPEG was asked for
 */
record BenchResults(Machine machine, String command, Instant started, Duration took, ImageSet images, JobSpec spec,
                    RunLength length, Duration warmup, String jvm, List<Run> inProcess, List<Run> fleet, Run openLoop,
                    List<Run> reference, FleetRun.Outcome recycling, int recycleAfter,
                    long rssLimit, String supervisorHeap, List<Run> every, Map<String, String> versions, String codecs, double loadBefore, double loadAfter,
                    List<Run> remoteSources, List<Run> formats) {

    BenchResults {
        inProcess = List.copyOf(inProcess);
        fleet = List.copyOf(fleet);
        reference = List.copyOf(reference);
        every = List.copyOf(every);
        versions = Map.copyOf(versions);
        remoteSources = List.copyOf(remoteSources);
        formats = List.copyOf(formats);
    }

    /** The fleet run at file:// of the same shape as a remote-source run. */
    Optional<Run> fileRunLike(Run remote) {
        return fleet.stream().filter(f -> f.shape().equals(remote.shape())).findFirst();
    }

    Optional<Run> recyclingRun() {
        return Optional.ofNullable(recycling).map(FleetRun.Outcome::saturation);
    }

    Stream<Run> all() {
        return Stream.of(inProcess.stream(), fleet.stream(), recyclingRun().stream(), Stream.ofNullable(openLoop),
                        reference.stream())
                .flatMap(s -> s);
    }

    boolean allSucceeded() {
        return Stream.concat(all(), formats.stream()).allMatch(r -> r.failed() == 0);
    }

    /** The in-process run on as many threads as the fleet run has cores. */
    Optional<Run> inProcessOn(int cores) {
        return inProcess.stream().filter(r -> r.threads() == cores).findFirst();
    }

    /** The run of a reference tool with this many processes at once. */
    Optional<Run> reference(String tool, int processes) {
        return reference.stream().filter(r -> r.system().equals(tool) && r.processes() == processes).findFirst();
    }

    /** The fleet run that uses the most cores (and of those, the most processes). */
    Optional<Run> widestFleet() {
        return fleet.stream().max(Comparator.comparingInt(Run::cores).thenComparingInt(Run::processes));
    }
}
