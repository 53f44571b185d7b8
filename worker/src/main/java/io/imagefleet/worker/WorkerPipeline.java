package io.imagefleet.worker;

import io.imagefleet.worker.admission.JobAdmission;
import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.imaging.Imaging;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.kernel.StuckJobListener;
import io.imagefleet.worker.pipeline.OutputLimits;
import io.imagefleet.worker.pipeline.Pipeline;
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

import javax.net.ssl.SSLSocketFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The pipeline a worker JVM runs jobs with (sources, codecs, stores, admission, the deadline
 * watchdog), and what it owns: the S3 client shared by s3:// sources and targets, and the
 * watchdog's thread. Built once per JVM; closing it closes them, last built first. The pipeline
 * is thread-safe; build and close on one thread.
 */
public final class WorkerPipeline implements AutoCloseable {
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(2);

    private final Closer closer = new Closer("pipeline");
    private final Pipeline pipeline;

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
            this.pipeline = new Pipeline(
                    new Sources(sources),
                    Imaging.of(config.maxPixels(), config.limits().maxFrames(), natives),
                    new OutputStores(Map.of("file", new FileStore(config.outputRoots()), "http", httpStore,
                            "https", httpStore, "s3", new S3Store(s3))),
                    new JobAdmission(budget, new OutputLimits(config.limits().maxOutputPixels(),
                            config.limits().maxAvifPixels())),
                    new JobWatchdog(config.jobTimeout(), config.jobStuckAfter(), watchdogThread, System::nanoTime),
                    stuck, new Presets(config.presets().specs(), config.presets().only()));
        } catch (RuntimeException e) {
            throw closer.closeAfter(e);
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
