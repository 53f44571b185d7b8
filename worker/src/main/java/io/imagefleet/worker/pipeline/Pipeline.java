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
 * Turns one job into its result: fetch, probe, admit, decode, then for each output its
 * operations, encoding and storage, each stage timed (the stages add up to {@code totalMs}).
 * The job runs on the calling thread under a deadline watched by the {@link JobWatchdog}: past
 * it the job fails TIMEOUT at the next check, and a thread that stays stuck is reported to the
 * {@link StuckJobListener}. Never throws for a bad job: every failure becomes a failed result
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

    /** Processes a job; {@code context} says who runs it and how long it queued. */
    public Result process(Job job, JobContext context) {
        StageClock clock = new StageClock(watchdog.nanos());
        Result.SourceInfo sourceInfo = null;
        List<Result.OutputResult> outputs = new ArrayList<>();
        try (JobWatchdog.Watch watch = watchdog.watch(job.id(), stuck)) {
            JobDeadline deadline = watch.deadline();
            job = presets.expand(job);
            SourceBytes src = sources.fetch(job.source(), deadline);
            clock.lap(Stage.FETCH);
            sourceInfo = new Result.SourceInfo(null, null, null, src.length(), null);
            ProbeResult header = imaging.probe().probe(src.bytes());
            sourceInfo = new Result.SourceInfo(header.format(), header.width(), header.height(), src.length(),
                    header.frames() > 0 ? header.frames() : null);
            clock.lap(Stage.PROBE);
            deadline.check("probing");
            boolean upright = job.autoOrient();
            Geometry.Size size = new Geometry.Size(header.orientedWidth(upright), header.orientedHeight(upright));
            int factor = DecodePlan.subsampling(size.width(), size.height(), job.outputs());
            try (Admission.Reservation held = admission.admit(job, header, imaging.decoder().subsamplingFor(header, factor),
                    deadline)) {
                clock.lap(Stage.ADMIT);
                deadline.check("waiting for memory");
                List<String> warnings = new ArrayList<>();
                SourceMetadata kept = SourceMetadata.keptBy(job.outputs());
                BufferedImage decoded = imaging.decoder().decode(src.bytes(), header,
                        new ImageDecoder.Request(factor, job.allowDecodeWarnings(), upright, deadline, warnings, kept));
                clock.lap(Stage.DECODE);
                for (OutputSpec out : job.outputs()) {
                    outputs.add(imaging.animator().keeps(out, kept) ? produceAnimated(job, out, src.bytes(), header, deadline, clock)
                            : produce(job, out, decoded, kept, size, deadline, clock));
                }
                return new Result(Job.VERSION, job.id(), Status.SUCCEEDED, outputs, sourceInfo,
                        clock.timings(context.queuedMs()), context.workerInfo(), null, job.metadata(), warnings);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clock.fail(failedStage(clock));
            return failed(job, context, sourceInfo, clock, ErrorCode.INTERNAL, "interrupted while waiting for memory");
        } catch (JobFailure f) {
            clock.fail(failedStage(clock));
            return failed(job, context, sourceInfo, clock, f.code(), f.getMessage(), outputs);
        } catch (RuntimeException e) {
            clock.fail(failedStage(clock));
            return failed(job, context, sourceInfo, clock, ErrorCode.INTERNAL, "unexpected " + e, outputs);
        }
    }

    private Result.OutputResult produce(Job job, OutputSpec out, BufferedImage decoded, SourceMetadata kept,
                                        Geometry.Size size, JobDeadline deadline, StageClock clock) throws JobFailure {
        BufferedImage image = imaging.ops().apply(decoded, out.ops(), size, deadline);
        clock.lap(Stage.PROCESS);
        byte[] bytes = imaging.encoder().encode(image, out, kept, deadline);
        clock.lap(Stage.ENCODE);
        String fileName = job.id() + "-" + out.name() + "." + out.format().extension();
        URI uri = stores.store(out, new StoredOutput(job.id(), fileName, bytes), deadline);
        clock.lap(Stage.STORE);
        return new Result.OutputResult(out.name(), uri.toString(), out.format(), image.getWidth(), image.getHeight(),
                bytes.length, sha256(bytes));
    }

    /** An animated output: its frames are decoded, processed and encoded together (timed as encoding). */
    private Result.OutputResult produceAnimated(Job job, OutputSpec out, byte[] source, ProbeResult header, JobDeadline deadline,
                                                StageClock clock) throws JobFailure {
        Animator.Animated a = imaging.animator().encode(source, header, out, job.autoOrient(), deadline);
        clock.lap(Stage.ENCODE);
        String fileName = job.id() + "-" + out.name() + "." + out.format().extension();
        URI uri = stores.store(out, new StoredOutput(job.id(), fileName, a.bytes()), deadline);
        clock.lap(Stage.STORE);
        return new Result.OutputResult(out.name(), uri.toString(), out.format(), a.width(), a.height(), a.bytes().length,
                sha256(a.bytes()));
    }

    /** The stage a failure happened in: the one after the last lap. */
    private static Stage failedStage(StageClock clock) {
        return clock.next();
    }

    /** A failed result with the stage timings so far (none when the job never started). */
    private static Result failed(Job job, JobContext context, Result.SourceInfo source, StageClock clock,
                                 ErrorCode code, String message) {
        return FailedResult.of(job, context, source, clock == null ? null : clock.timings(context.queuedMs()),
                code, message);
    }

    /** A failed result that lists the outputs already written before the failure. */
    private static Result failed(Job job, JobContext context, Result.SourceInfo source, StageClock clock,
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
