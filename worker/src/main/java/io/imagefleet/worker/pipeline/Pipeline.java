package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.imaging.Animator;
import io.imagefleet.worker.imaging.Geometry;
import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.imaging.SourceMetadata;
import io.imagefleet.worker.kernel.FailedResult;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.kernel.StuckJobListener;
import io.imagefleet.worker.pipeline.StageClock.Stage;
import io.imagefleet.worker.source.SourceBytes;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.OutputStores;
import io.imagefleet.worker.store.StoredOutput;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns one job into its result in three steps: fetch (network I/O), compute (probe, admit,
 * decode, then for each output its operations and encoding) and store (network I/O), each stage
 * timed (the stages add up to {@code totalMs}). {@link #process} runs them in turn on the calling
 * thread; {@link #begin} hands them out one at a time (see {@link StagedJob}), for a caller that
 * runs network I/O and pixel work on threads of their own. The job runs under a deadline watched
 * by the {@link JobWatchdog}: past it the job fails TIMEOUT at the next check, and a thread that
 * stays stuck is reported to the {@link StuckJobListener}. Never throws for a bad job: every failure becomes a failed result
 * with its code, listing the outputs already written (they are not removed). Thread-safe: one instance serves every pool thread.
 */
public final class Pipeline {
    private final Sources sources;
    private final Imaging imaging;
    private final OutputStores stores;
    private final Admission admission;
    private final JobWatchdog watchdog;
    private final StuckJobListener stuck;
    private final Presets presets;

    /** A pipeline whose jobs name no presets. */
    public Pipeline(Sources sources, Imaging imaging, OutputStores stores, Admission admission,
                    JobWatchdog watchdog, StuckJobListener stuck) {
        this(sources, imaging, stores, admission, watchdog, stuck, Presets.NONE);
    }

    public Pipeline(Sources sources, Imaging imaging, OutputStores stores, Admission admission,
                    JobWatchdog watchdog, StuckJobListener stuck, Presets presets) {
        this.presets = presets;
        this.sources = sources;
        this.imaging = imaging;
        this.stores = stores;
        this.admission = admission;
        this.watchdog = watchdog;
        this.stuck = stuck;
    }

    /**
     * Processes a job on the calling thread, every stage in turn; {@code context} says who runs it
     * and how long it queued.
     */
    public Result process(Job job, JobContext context) {
        JobRun run = new JobRun(this, job, context, null);
        while (run.next() != StagedJob.Step.DONE) {
            run.run();
        }
        return run.result();
    }

    /**
     * Starts an attempt whose stages the caller runs on threads of its choosing (see
     * {@link StagedJob}); the job's deadline runs from now, and the watchdog reports it stuck
     * only while one of its steps runs on a thread (not while it waits between them).
     */
    public StagedJob begin(Job job, JobContext context) {
        return new JobRun(this, job, context, JobRun.CPU_ONLY);
    }

    JobWatchdog.Watch watch(String jobId, java.util.function.Supplier<Thread> thread) {
        return thread == null ? watchdog.watch(jobId, stuck) : watchdog.watch(jobId, stuck, thread);
    }

    java.util.function.LongSupplier nanos() {
        return watchdog.nanos();
    }

    /** The expanded job (presets replaced by their specs). */
    Job expand(Job job) throws JobFailure {
        return presets.expand(job);
    }

    /** Fetch: the source's bytes. */
    SourceBytes fetch(Job job, JobDeadline deadline) throws JobFailure {
        return sources.fetch(job.source(), deadline);
    }

    /** What compute made of a job: its encoded outputs, waiting to be stored. */
    record Encoded(OutputSpec spec, String fileName, byte[] bytes, int width, int height) {
    }

    /**
     * Compute: probe, admit, decode, then each output's operations and encoding. {@code held} is
     * the source's hold on the memory budget, given back once the decode is done.
     */
    List<Encoded> compute(Job job, SourceBytes src, Admission.Reservation held, JobDeadline deadline, StageClock clock,
                          List<String> warnings, java.util.function.Consumer<Result.SourceInfo> probed)
            throws JobFailure, InterruptedException {
        ProbeResult header = imaging.probe().probe(src.bytes());
        probed.accept(new Result.SourceInfo(header.format(), header.width(), header.height(), src.length(),
                header.frames() > 0 ? header.frames() : null));
        clock.lap(Stage.PROBE);
        deadline.check("probing");
        boolean upright = job.autoOrient();
        Geometry.Size size = new Geometry.Size(header.orientedWidth(upright), header.orientedHeight(upright));
        int factor = DecodePlan.subsampling(size.width(), size.height(), job.outputs());
        try (Admission.Reservation reserved = admission.admit(job, header, imaging.decoder().subsamplingFor(header, factor),
                deadline)) {
            clock.lap(Stage.ADMIT);
            deadline.check("waiting for memory");
            SourceMetadata kept = SourceMetadata.keptBy(job.outputs());
            BufferedImage decoded = imaging.decoder().decode(src.bytes(), header,
                    new ImageDecoder.Request(factor, job.allowDecodeWarnings(), upright, deadline, warnings, kept));
            held.close();
            clock.lap(Stage.DECODE);
            List<Encoded> encoded = new ArrayList<>(job.outputs().size());
            for (OutputSpec out : job.outputs()) {
                String fileName = job.id() + "-" + out.name() + "." + out.format().extension();
                if (imaging.animator().keeps(out, kept)) {
                    // Every frame decoded, processed and encoded together (timed as encoding).
                    Animator.Animated a = imaging.animator().encode(src.bytes(), header, out, upright, deadline);
                    clock.lap(Stage.ENCODE);
                    encoded.add(new Encoded(out, fileName, a.bytes(), a.width(), a.height()));
                    continue;
                }
                BufferedImage image = imaging.ops().apply(decoded, out.ops(), size, deadline);
                clock.lap(Stage.PROCESS);
                byte[] bytes = imaging.encoder().encode(image, out, kept, deadline);
                clock.lap(Stage.ENCODE);
                encoded.add(new Encoded(out, fileName, bytes, image.getWidth(), image.getHeight()));
            }
            return encoded;
        }
    }

    /** Store: one encoded output, where its spec says. */
    Result.OutputResult store(Job job, Encoded e, JobDeadline deadline) throws JobFailure {
        URI uri = stores.store(e.spec(), new StoredOutput(job.id(), e.fileName(), e.bytes()), deadline);
        return new Result.OutputResult(e.spec().name(), uri.toString(), e.spec().format(), e.width(), e.height(),
                e.bytes().length, sha256(e.bytes()));
    }

    Admission admission() {
        return admission;
    }

    /** A failed result with the stage timings so far (none when the job never started). */
    private static Result failed(Job job, JobContext context, Result.SourceInfo source, StageClock clock,
                                 ErrorCode code, String message) {
        return FailedResult.of(job, context, source, clock == null ? null : clock.timings(context.queuedMs()),
                code, message);
    }

    /** A failed result that lists the outputs already written before the failure. */
    static Result failed(Job job, JobContext context, Result.SourceInfo source, StageClock clock,
                                 ErrorCode code, String message, List<Result.OutputResult> written) {
        return FailedResult.withWritten(job, context, source, clock.timings(context.queuedMs()), code, message,
                written);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
