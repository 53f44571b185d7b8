package io.imagefleet.worker;

import io.imagefleet.wire.Format;
import io.imagefleet.worker.admission.JobAdmission;
import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.kernel.StuckJobListener;
import io.imagefleet.worker.pipeline.OutputLimits;
import io.imagefleet.worker.pipeline.Pipeline;
import io.imagefleet.worker.pipeline.PipelineWarmUp;
import io.imagefleet.worker.pipeline.Presets;
import io.imagefleet.worker.source.AddressPolicy;
import io.imagefleet.worker.source.FileSource;
import io.imagefleet.worker.source.HttpConnector;
import io.imagefleet.worker.source.HttpSource;
import io.imagefleet.worker.source.S3Endpoint;
import io.imagefleet.worker.source.S3Source;
import io.imagefleet.worker.source.Source;
import io.imagefleet.worker.source.Sources;
import io.imagefleet.worker.store.FileStore;
import io.imagefleet.worker.store.HttpStore;
import io.imagefleet.worker.store.OutputStores;
import io.imagefleet.worker.store.S3Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSocketFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The pipeline a worker JVM runs jobs with (sources, codecs, stores, admission, the deadline
 * watchdog), and what it owns: the S3 client shared by s3:// sources and targets, and the
 * watchdog's thread. Built once per JVM; closing it closes them, last built first. A spare JVM
 * warms it up before it says hello ({@link #warmUp}). The pipeline is thread-safe; build, warm
 * up and close on one thread.
 */
public final class WorkerPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerPipeline.class);
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(2);
    /**
     * Jobs in a warm-up: measured, from the fifth on they run at the speed of a warm JVM's
     * (docs/isolates.md); odd, so that the first and the last, which the log line compares, are
     * the same job.
     */
    static final int WARM_UP_JOBS = 9;
    /** The longest a warm-up runs, whatever the machine's load. */
    static final Duration WARM_UP_CAP = Duration.ofSeconds(3);

    private final Closer closer = new Closer("pipeline");
    private final Pipeline pipeline;
    private final PipelineWarmUp warmUp;
    /** Whether native JPEG decodes crash the JVM on purpose (a test flag), which a warm-up must not set off. */
    private final boolean crashesForTests;

    /**
     * @param natives      the native codecs loaded for this JVM
     * @param extraSources sources of extra URI schemes (an embedder's)
     */
    WorkerPipeline(WorkerConfig config, String host, MemoryBudget budget, StuckJobListener stuck, NativeCodecs natives,
                   Map<String, Source> extraSources) {
        try {
            HttpConnector http = new HttpConnector(
                    new AddressPolicy(config.http().allowHosts(), config.http().allowPrivate()),
                    (SSLSocketFactory) SSLSocketFactory.getDefault(), config.http().connectTimeout(), "imagefleet/" + host);
            HttpSource httpSource = new HttpSource(http, config.maxSourceBytes());
            HttpStore httpStore = new HttpStore(http);
            // One pooled client for the JVM's life, shared by s3:// sources and targets; the endpoint is trusted as configured.
            S3Endpoint s3 = closer.add("S3 client", S3Endpoint.of(config.s3(), config.http().connectTimeout()),
                    CLOSE_LIMIT);
            ScheduledExecutorService watchdogThread = closer.executor("watchdog",
                    Executors.newSingleThreadScheduledExecutor(WorkerMain.named("imagefleet-watchdog-")), CLOSE_LIMIT);
            Map<String, Source> sources = new HashMap<>(extraSources);
            sources.put("file", new FileSource(config.fileRoots(), config.maxSourceBytes()));
            sources.put("http", httpSource);
            sources.put("https", httpSource);
            sources.put("s3", new S3Source(s3, config.maxSourceBytes()));
            Imaging imaging = Imaging.of(config.maxPixels(), config.limits().maxFrames(), natives);
            OutputLimits limits = new OutputLimits(config.limits().maxOutputPixels(), config.limits().maxAvifPixels());
            this.pipeline = new Pipeline(
                    new Sources(sources),
                    imaging,
                    new OutputStores(Map.of("file", new FileStore(config.outputRoots()), "http", httpStore,
                            "https", httpStore, "s3", new S3Store(s3))),
                    new JobAdmission(budget, limits),
                    new JobWatchdog(config.jobTimeout(), config.jobStuckAfter(), watchdogThread, System::nanoTime),
                    stuck, new Presets(config.presets().specs(), config.presets().only()));
            // A budget of the same size but its own: the worker's (its high water, its meters) never sees the warm-up.
            this.warmUp = new PipelineWarmUp(imaging,
                    new JobAdmission(new MemoryBudget(budget.capacity(), System::nanoTime), limits), watchdogThread,
                    natives.hasWebp() ? Set.of(Format.PNG, Format.WEBP) : Set.of(Format.PNG), System::nanoTime);
            this.crashesForTests = natives.crashesForTests();
        } catch (RuntimeException e) {
            throw closer.closeAfter(e);
        }
    }

    /**
     * Runs a few made-up jobs through the pipeline ({@link PipelineWarmUp}: a photo made in
     * memory, outputs dropped, nothing counted), so that a spare JVM's first real job runs
     * compiled code: {@value #WARM_UP_JOBS} jobs, stopped at {@link #WARM_UP_CAP}. It never fails
     * the JVM's start: whatever goes wrong is logged and the worker starts as it would have cold.
     * A JVM whose go came already ({@code goCame}: a slot's first JVM or a respawn, told its slot
     * with its start, or one told to stop) skips it: jobs wait for it, and its first jobs cost
     * less than the warm-up would delay them. Returns what it did, or null when it did not run.
     */
    PipelineWarmUp.Report warmUp(BooleanSupplier goCame) {
        if (goCame.getAsBoolean()) {
            log.info("pipeline warm-up skipped: this JVM was given its slot (or told to stop) before it was built");
            return null;
        }
        return warmUp(WARM_UP_JOBS, WARM_UP_CAP);
    }

    PipelineWarmUp.Report warmUp(int jobs, Duration cap) {
        if (crashesForTests) {
            log.info("pipeline warm-up skipped: native JPEG decodes crash this JVM on purpose (test flag)");
            return null;
        }
        long start = System.nanoTime();
        try {
            PipelineWarmUp.Report r = warmUp.run(jobs, cap);
            if (r.failure() != null) {
                log.warn("pipeline warm-up stopped after {} of {} jobs in {} ms: {}", r.succeeded(), jobs, r.millis(),
                        r.failure());
            } else if (r.capped()) {
                log.info("pipeline warm-up stopped at its {} ms cap: {} of {} jobs in {} ms "
                        + "(first job {} ms, last job {} ms)", cap.toMillis(), r.succeeded(), jobs, r.millis(),
                        r.firstJobMillis(), r.lastJobMillis());
            } else {
                log.info("pipeline warmed up: {} jobs in {} ms (first job {} ms, last job {} ms)", r.succeeded(),
                        r.millis(), r.firstJobMillis(), r.lastJobMillis());
            }
            return r;
        } catch (RuntimeException | LinkageError e) {
            log.warn("pipeline warm-up failed after {} ms; the worker starts without it: {}",
                    (System.nanoTime() - start) / 1_000_000, e.toString());
            log.debug("pipeline warm-up failure", e);
            return null;
        }
    }

    /** The pipeline; usable until this is closed. */
    public Pipeline pipeline() {
        return pipeline;
    }

    @Override
    public void close() {
        closer.close();
    }
}
