package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.ImageEncoder;
import io.imagefleet.worker.imaging.ImageOps;
import io.imagefleet.worker.imaging.ImageProbe;
import io.imagefleet.worker.imaging.ProbeResult;
import io.imagefleet.worker.pipeline.StageClock.Stage;
import io.imagefleet.worker.source.SourceBytes;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.OutputStores;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Turns one job into its result: fetch, probe, decode, then for each output its operations,
 * encoding and storage, each stage timed. Never throws for a bad job: every failure becomes a
 * failed result with its code. Thread-safe: one instance serves every pool thread.
 */
public final class Pipeline {
    private final Sources sources;
    private final ImageProbe probe;
    private final ImageDecoder decoder;
    private final ImageOps ops;
    private final ImageEncoder encoder;
    private final OutputStores stores;
    private final Admission admission;
    private final LongSupplier nanos;

    public Pipeline(Sources sources, ImageProbe probe, ImageDecoder decoder, ImageOps ops, ImageEncoder encoder,
                    OutputStores stores, Admission admission, LongSupplier nanos) {
        this.sources = sources;
        this.admission = admission;
        this.probe = probe;
        this.decoder = decoder;
        this.ops = ops;
        this.encoder = encoder;
        this.stores = stores;
        this.nanos = nanos;
    }

    /** Processes a job; {@code context} says who runs it and how long it queued. */
    public Result process(Job job, JobContext context) {
        StageClock clock = new StageClock(nanos);
        Result.SourceInfo sourceInfo = null;
        try {
            SourceBytes src = sources.fetch(job.source());
            clock.lap(Stage.FETCH);
            sourceInfo = new Result.SourceInfo(null, null, null, src.length(), null);
            ProbeResult header = probe.probe(src.bytes());
            sourceInfo = new Result.SourceInfo(header.format(), header.width(), header.height(), src.length(),
                    header.frames() > 0 ? header.frames() : null);
            clock.lap(Stage.PROBE);
            int factor = DecodePlan.subsampling(header.width(), header.height(), job.outputs());
            try (Admission.Reservation held = admission.admit(job, header, factor)) {
                clock.lap(Stage.ADMIT);
                BufferedImage decoded = decoder.decode(src.bytes(), factor, job.allowDecodeWarnings());
                clock.lap(Stage.DECODE);
                List<Result.OutputResult> outputs = new ArrayList<>(job.outputs().size());
                for (OutputSpec out : job.outputs()) {
                    outputs.add(produce(job, out, decoded, clock));
                }
                return new Result(Job.VERSION, job.id(), Status.SUCCEEDED, outputs, sourceInfo,
                        clock.timings(context.queuedMs()), context.workerInfo(), null, job.metadata());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(job, context, sourceInfo, clock, ErrorCode.INTERNAL, "interrupted while waiting for memory");
        } catch (JobFailure f) {
            return failed(job, context, sourceInfo, clock, f.code(), f.getMessage());
        } catch (RuntimeException e) {
            return failed(job, context, sourceInfo, clock, ErrorCode.INTERNAL, "unexpected " + e);
        }
    }

    private Result.OutputResult produce(Job job, OutputSpec out, BufferedImage decoded, StageClock clock) throws JobFailure {
        BufferedImage image = ops.apply(decoded, out.ops());
        clock.lap(Stage.PROCESS);
        byte[] bytes = encoder.encode(image, out);
        clock.lap(Stage.ENCODE);
        String fileName = job.id() + "-" + out.name() + "." + out.format().extension();
        URI uri = stores.store(out.target(), fileName, bytes);
        clock.lap(Stage.STORE);
        return new Result.OutputResult(out.name(), uri.toString(), out.format(), image.getWidth(), image.getHeight(),
                bytes.length, sha256(bytes));
    }

    /** A failed result for a job that could not be processed. */
    public static Result failed(Job job, JobContext context, Result.SourceInfo source, StageClock clock,
                                ErrorCode code, String message) {
        return new Result(Job.VERSION, job.id(), Status.FAILED, List.of(), source,
                clock == null ? null : clock.timings(context.queuedMs()), context.workerInfo(),
                Result.ErrorInfo.of(code, message), job.metadata());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
