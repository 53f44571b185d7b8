package io.imagefleet.worker;

import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.admission.PeakEstimate;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.consume.KafkaClients;
import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.control.SupervisorLink;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.recycle.ResidentSet;
import io.imagefleet.worker.source.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The process-wide half of a worker JVM, the composition root of what does not depend on its
 * slot: the memory budget, the telemetry (served on its own port, or sent to the supervisor), the
 * stuck-job handling and the pipeline with what it owns. {@link #run} waits for a slot (under a
 * supervisor, a spare waits here until it is needed), runs a {@link SlotWorker} for it, and
 * reports how it ended. Closing it closes what it built, last built first. Built, run and closed
 * by the main thread.
 */
final class WorkerRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(2);

    private final Closer closer = new Closer("worker runtime");
    private final WorkerConfig config;
    private final String host;
    private final SupervisorLink link;
    private final MemoryBudget budget;
    private final WorkerTelemetry telemetry;
    private final StuckJobs stuck;
    private final WorkerPipeline pipeline;

    /**
     * @param slot the slot of a worker on its own (under a supervisor the go names it)
     * @param link the channel to the supervisor, or null for a worker on its own
     */
    WorkerRuntime(WorkerConfig config, String host, int slot, SupervisorLink link, Map<String, Source> extraSources) {
        this.config = config;
        this.host = host;
        this.link = link;
        this.budget = MemoryBudget.ofHeap(config.memoryBudget());
        try {
            this.telemetry = closer.add("telemetry", new WorkerTelemetry(config.observability(),
                    link == null ? Integer.toString(slot) : null, config.topics(), budget), CLOSE_LIMIT);
            telemetry.residentLimit(config.recycle().rssBytes());
            if (link == null) {
                // Before anything slow, so that the probes answer (not ready yet) while the worker starts.
                telemetry.serve();
            }
            this.stuck = new StuckJobs(config.jobTimeout());
            NativeCodecs natives = WorkerMain.loadNatives(config);
            natives.report().forEach(line -> log.info("native codecs: {}", line));
            telemetry.natives(natives);
            this.pipeline = closer.add("pipeline",
                    new WorkerPipeline(config, host, budget, stuck, natives, extraSources), CLOSE_LIMIT);
        } catch (RuntimeException e) {
            throw closer.closeAfter(e);
        }
    }

    /**
     * Runs the worker until it is told to stop or recycles; returns the exit code. Under a
     * supervisor it says hello and waits for the go that names its slot first.
     */
    int run(int slot) throws InterruptedException {
        Stopper stop = new Stopper(link);
        // Handle the signals ourselves rather than through shutdown hooks, so a drained stop exits 0.
        Signal.handle(new Signal("TERM"), s -> stop.run());
        Signal.handle(new Signal("INT"), s -> stop.run());
        if (link != null) {
            link.start(stop);
            KafkaClients.warmUp(config);
            SlotWorker.warmUp(config);
            link.hello();
        }
        SlotWorker prepared = link == null ? null : prepare(stop);
        if (link != null) {
            OptionalInt given = link.awaitGo();
            if (given.isEmpty()) {
                if (prepared != null) {
                    prepared.close();
                }
                log.info("stopped before it was given a slot");
                return ExitCodes.OK;
            }
            slot = given.getAsInt();
            if (prepared != null && prepared.slot() != slot) {
                log.warn("prepared as slot-{} but the go names slot-{}; building that slot's worker", prepared.slot(), slot);
                prepared.close();
                prepared = null;
            }
        }
        int code;
        try (SlotWorker worker = prepared != null ? prepared : new SlotWorker(this, slot, stop)) {
            worker.run();
            // Said before the slot's teardown: its consumer and producer are closed, so its successor may go now.
            code = exiting(worker);
        }
        if (link != null) {
            link.close();
        }
        return code;
    }

    /**
     * Waits until the supervisor names this JVM's slot; when it does so by a prepare (a spare
     * taken as a recycling slot's successor), builds that slot's worker now, before the go, so
     * that its clients, loop and pool are not built in the recycle's gap, and connects its
     * consumer to the brokers and the group's coordinator (unless the go came meanwhile). Returns it, or null
     * when the go (or a stop) came first.
     */
    private SlotWorker prepare(Stopper stop) throws InterruptedException {
        OptionalInt named = link.awaitSlotNamed();
        if (named.isEmpty() || link.goCame()) {
            return null;
        }
        SlotWorker worker = new SlotWorker(this, named.getAsInt(), stop);
        if (!link.goCame()) {
            worker.connect();
        }
        return worker;
    }

    /** Logs how the worker ended and tells the supervisor; returns the exit code. */
    private int exiting(SlotWorker worker) {
        int code = worker.recycleGranted() ? ExitCodes.RECYCLE : ExitCodes.OK;
        long peakRss = ResidentSet.peak().orElse(-1);
        log.info("exiting {} after {} jobs; peak RSS {} MiB; memory budget high water {} of {}", ExitCodes.describe(code),
                worker.jobsFinished(), peakRss >> 20, PeakEstimate.format(budget.highWater()),
                PeakEstimate.format(budget.capacity()));
        if (link != null) {
            link.exiting(code, worker.jobsFinished(), peakRss, budget.highWater(), budget.capacity());
        }
        return code;
    }

    WorkerConfig config() {
        return config;
    }

    String host() {
        return host;
    }

    /** The channel to the supervisor, or null for a worker on its own. */
    SupervisorLink link() {
        return link;
    }

    MemoryBudget budget() {
        return budget;
    }

    WorkerTelemetry telemetry() {
        return telemetry;
    }

    StuckJobs stuck() {
        return stuck;
    }

    WorkerPipeline pipeline() {
        return pipeline;
    }

    @Override
    public void close() {
        closer.close();
    }
}
