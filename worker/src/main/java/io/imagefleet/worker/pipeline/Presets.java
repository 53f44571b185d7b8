package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Animation;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobFailure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named output specs configured on the workers ({@code IMAGEFLEET_PRESETS}) that a job asks for
 * with {@code {"preset":"thumb","target":...}}, expanded before any work. A preset brings the
 * output's ops, format and quality, and its encoding options (progressive, lossless, background,
 * animation, kept metadata, AVIF speed) unless the job's output sets them; the job's output brings its name
 * (by default the preset's) and where it is stored. With {@code IMAGEFLEET_PRESETS_ONLY} every
 * output must name a preset, so producers cannot spell their own operations. Immutable;
 * thread-safe.
 */
public final class Presets {
    /** No presets, and jobs may spell their own outputs. */
    public static final Presets NONE = new Presets(Map.of(), false);

    private final Map<String, OutputSpec> specs;
    private final boolean only;

    /**
     * @param specs by name: each with its ops, format and options (name and target are ignored)
     * @param only  whether every output must name a preset
     */
    public Presets(Map<String, OutputSpec> specs, boolean only) {
        this.specs = new LinkedHashMap<>(specs);
        this.only = only;
    }

    /**
     * The job with every preset output replaced by the spec it names.
     *
     * @throws JobFailure INVALID_JOB for an unknown preset, or an output of its own under {@code IMAGEFLEET_PRESETS_ONLY}
     */
    public Job expand(Job job) throws JobFailure {
        if (!only && job.outputs().stream().allMatch(o -> o.preset() == null)) {
            return job;
        }
        List<OutputSpec> outputs = new ArrayList<>(job.outputs().size());
        for (int i = 0; i < job.outputs().size(); i++) {
            OutputSpec out = job.outputs().get(i);
            if (out.preset() == null) {
                if (only) {
                    throw new JobFailure(ErrorCode.INVALID_JOB, "outputs[" + i + "] (" + out.name() + ") spells its own "
                            + "ops and format, but this fleet only makes presets (IMAGEFLEET_PRESETS_ONLY): give "
                            + "{\"preset\":...} with one of " + names());
                }
                outputs.add(out);
                continue;
            }
            OutputSpec spec = specs.get(out.preset());
            if (spec == null) {
                throw new JobFailure(ErrorCode.INVALID_JOB, "outputs[" + i + "].preset '" + out.preset()
                        + "' is not a preset of this fleet; IMAGEFLEET_PRESETS has " + names());
            }
            outputs.add(merge(out, spec));
        }
        return new Job(job.v(), job.id(), job.source(), outputs, job.replyTo(), job.metadata(), job.autoOrient(),
                job.allowDecodeWarnings(), job.expiresAt());
    }

    /** The preset's image and encoding, the job's name and place, and the job's encoding options where it sets them. */
    private static OutputSpec merge(OutputSpec out, OutputSpec spec) {
        return new OutputSpec(out.name(), spec.ops(), spec.format(), spec.quality(), out.target(),
                out.progressive() || spec.progressive(), out.lossless() || spec.lossless(),
                out.background() != null ? out.background() : spec.background(), out.uri(),
                out.animation() != Animation.FIRST ? out.animation() : spec.animation(),
                !out.keep().isEmpty() ? out.keep() : spec.keep(), out.preset(), out.speed() != null ? out.speed() : spec.speed());
    }

    private String names() {
        return specs.isEmpty() ? "none (IMAGEFLEET_PRESETS is empty)" : String.join(", ", specs.keySet());
    }

    public Map<String, OutputSpec> specs() {
        return Map.copyOf(specs);
    }

    public boolean only() {
        return only;
    }
}
