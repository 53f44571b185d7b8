package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.SamplePhoto;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.source.MemorySource;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.OutputStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * Runs a few made-up jobs through the pipeline's real stages (fetch, probe, admission, decode,
 * operations, encoding, store) in a JVM that has run none yet, so that the code real jobs run is
 * loaded, linked and compiled by the JIT before the first of them comes: a spare worker JVM does
 * this before it says hello, so that the successor of a recycling slot starts warm instead of
 * compiling on the cores its sibling works on. The jobs are what real ones are most often: a
 * 256 px JPEG thumbnail from a photo decoded at a quarter of its size, and, from a photo taken
 * upright (EXIF orientation 6) decoded at half its size, a progressive 512 px JPEG, a WebP (when
 * the worker has libwebp) and a cropped PNG. Their source is a photo-like JPEG made in memory
 * ({@link SamplePhoto}, served by a {@link MemorySource}), their outputs are dropped
 * ({@link OutputStores#discarding}), they pass the admission given (the caller gives one on a
 * budget of its own, so that the worker's budget and its meters never see them), and their
 * results go nowhere: nothing leaves the JVM (no file, no network, no job counted). Bounded by a
 * number of jobs and a wall-clock cap, of which each job's deadline is what is left. Run by one
 * thread at a time.
 */
public final class PipelineWarmUp {
    private static final Logger log = LoggerFactory.getLogger(PipelineWarmUp.class);
    /** The scheme of the made-up sources and targets, which no job from the queue can name. */
    static final String SCHEME = "imagefleet-warm-up";
    static final URI LANDSCAPE = URI.create(SCHEME + ":/landscape.jpg");
    static final URI UPRIGHT = URI.create(SCHEME + ":/upright.jpg");
    private static final String TARGET = SCHEME + ":/outputs/";
    /** 3.1 MP, within the 2-24 MP of camera photos and cheap to make. */
    private static final int PHOTO_WIDTH = 2048;
    private static final int PHOTO_HEIGHT = 1536;
    /** EXIF orientation of a phone photo taken upright: the decode turns it a quarter. */
    private static final int UPRIGHT_ORIENTATION = 6;
    /** How long past the cap a job's thread may still run before it is logged as stuck. */
    private static final Duration STUCK_AFTER = Duration.ofSeconds(5);

    private final Imaging imaging;
    private final Admission admission;
    private final ScheduledExecutorService watchdogThread;
    private final Set<Format> formats;
    private final LongSupplier nanos;

    /**
     * @param imaging        the worker's image stages (the same instance its jobs run with)
     * @param admission      the admission the jobs pass: the worker's limits, on a budget of the warm-up's own
     * @param watchdogThread runs the jobs' deadlines (the worker's watchdog thread)
     * @param formats        which of PNG and WebP this worker can write, to be warmed up with JPEG
     * @param nanos          the clock (System::nanoTime)
     */
    public PipelineWarmUp(Imaging imaging, Admission admission, ScheduledExecutorService watchdogThread,
                          Set<Format> formats, LongSupplier nanos) {
        this.imaging = imaging;
        this.admission = admission;
        this.watchdogThread = watchdogThread;
        this.formats = Set.copyOf(formats);
        this.nanos = nanos;
    }

    /**
     * What a warm-up did.
     *
     * @param succeeded     jobs run to success
     * @param millis        the whole warm-up, making the sample photos included
     * @param firstJobMillis the first job, or -1 when none ran
     * @param lastJobMillis the last job that succeeded, or -1 when none did
     * @param failure       the job that failed, which ended the warm-up, and why; or null
     * @param capped        whether the cap ended it before its last job
     */
    public record Report(int succeeded, long millis, long firstJobMillis, long lastJobMillis, String failure,
                         boolean capped) {
    }

    /**
     * Runs up to {@code jobs} jobs, one after another on the calling thread, until the first that
     * fails or the {@code cap} passes. Never throws for a job that fails: the report says so.
     */
    public Report run(int jobs, Duration cap) {
        long start = nanos.getAsLong();
        long end = start + cap.toNanos();
        Sources sources = samples();
        OutputStores stores = OutputStores.discarding(SCHEME);
        int succeeded = 0;
        long first = -1;
        long last = -1;
        String failure = null;
        boolean capped = false;
        for (int i = 0; i < jobs && failure == null; i++) {
            long jobStart = nanos.getAsLong();
            if (jobStart >= end) {
                capped = true;
                break;
            }
            Pipeline pipeline = new Pipeline(sources, imaging, stores, admission,
                    new JobWatchdog(Duration.ofNanos(end - jobStart), STUCK_AFTER, watchdogThread, nanos),
                    (id, thread, overdue) -> log.warn("warm-up job {} still runs {} ms past the warm-up's cap on {}",
                            id, overdue.toMillis(), thread.getName()));
            Result result = runOne(pipeline, job(i));
            long ms = (nanos.getAsLong() - jobStart) / 1_000_000;
            log.debug("warm-up job {}: {} in {} ms ({})", result.jobId(), result.status(), ms, result.timings());
            first = first < 0 ? ms : first;
            if (result.status() == Status.SUCCEEDED) {
                succeeded++;
                last = ms;
            } else if (result.error().code() == ErrorCode.TIMEOUT && nanos.getAsLong() >= end) {
                // Its deadline was the cap.
                capped = true;
                break;
            } else {
                failure = "job " + result.jobId() + " failed " + result.error().code() + ": "
                        + result.error().message();
            }
        }
        return new Report(succeeded, (nanos.getAsLong() - start) / 1_000_000, first, last, failure, capped);
    }

    /** The sample photos, made now: the landscape one and the upright one, the same pixels. */
    private static Sources samples() {
        SamplePhoto photo = SamplePhoto.of(PHOTO_WIDTH, PHOTO_HEIGHT);
        return new Sources(Map.of(SCHEME, new MemorySource(Map.of(
                LANDSCAPE, photo.jpeg(1), UPRIGHT, photo.jpeg(UPRIGHT_ORIENTATION)))));
    }

    /** Runs the job's stages in turn, as the consumer loop's threads would, in a logging context of its own. */
    private static Result runOne(Pipeline pipeline, Job job) {
        try (JobLogContext.Scope ignored = JobLogContext.scope(job.id(), "warm-up", null)) {
            StagedJob staged = pipeline.begin(job, new JobContext("warm-up", 1, 0));
            while (staged.next() != StagedJob.Step.DONE) {
                staged.run();
            }
            return staged.result();
        }
    }

    /** Job {@code i}: a thumbnail from the landscape photo, then the upright photo's variants, in turn. */
    Job job(int i) {
        String id = "warm-up-" + (i + 1);
        if (i % 2 == 0) {
            return Job.of(id, LANDSCAPE.toString(), List.of(output("thumb", Op.Resize.inside(256, 256), Format.JPEG)));
        }
        List<OutputSpec> outputs = new ArrayList<>();
        outputs.add(new OutputSpec("preview", List.of(Op.Resize.inside(512, 512)), Format.JPEG, 80, TARGET, true,
                null, null));
        if (formats.contains(Format.WEBP)) {
            outputs.add(output("card", Op.Resize.inside(384, 384), Format.WEBP));
        }
        if (formats.contains(Format.PNG)) {
            outputs.add(output("square", new Op.Resize(200, 200, Fit.FILL, null, null), Format.PNG));
        }
        return Job.of(id, UPRIGHT.toString(), outputs);
    }

    private static OutputSpec output(String name, Op op, Format format) {
        return OutputSpec.of(name, List.of(op), format, null, TARGET);
    }
}
