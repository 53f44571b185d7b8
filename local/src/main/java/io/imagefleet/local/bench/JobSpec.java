package io.imagefleet.local.bench;

import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * The one job every system in a bench does to each image: a thumbnail that fits inside
 * {@code size x size}, as a JPEG of the given quality, written under {@code target}. The
 * reference tools are given the same size and quality. A fleet run with a remote source reads
 * each image from it (and writes where it says) instead of files. Immutable.
 *
 * @param remote where sources are read from instead of files, or null
 */
record JobSpec(int size, int quality, Path target, RemoteSource remote) {

    JobSpec(int size, int quality, Path target) {
        this(size, quality, target, null);
    }

    /** The same job with its sources (and, where it says, its outputs) at a remote source. */
    JobSpec from(RemoteSource source) {
        return new JobSpec(size, quality, target, source);
    }

    Job job(String id, ImageSet.Image image) {
        String source = remote == null ? image.path().toUri().toString() : remote.uri().apply(image);
        String out = remote == null || remote.target() == null ? target.toUri().toString() : remote.target();
        return Job.of(id, source, List.of(
                OutputSpec.of("thumb", List.of(Op.Resize.inside(size, size)), Format.JPEG, quality, out)));
    }

    /** How the report names the job. */
    String describe() {
        return "one output: resize to fit inside " + size + "x" + size + ", JPEG quality " + quality;
    }
}
