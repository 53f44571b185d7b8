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
 * reference tools are given the same size and quality. Immutable.
 */
record JobSpec(int size, int quality, Path target) {

    Job job(String id, ImageSet.Image image) {
        return Job.of(id, image.path().toUri().toString(), List.of(
                OutputSpec.of("thumb", List.of(Op.Resize.inside(size, size)), Format.JPEG, quality,
                        target.toUri().toString())));
    }

    /** How the report names the job. */
    String describe() {
        return "one output: resize to fit inside " + size + "x" + size + ", JPEG quality " + quality;
    }
}
