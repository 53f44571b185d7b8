package io.imagefleet.worker.supervise;

import io.imagefleet.worker.config.LogFormat;
import io.imagefleet.worker.config.Observability;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.health.HealthServer;
import io.imagefleet.worker.metrics.ProcessMeters;
import io.imagefleet.worker.metrics.PrometheusMerge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The composition root of the supervisor JVM ({@code imagefleet worker --processes N}): reads the
 * configuration once, assembles the {@link Fleet} with the pod's meters and health endpoint,
 * starts it and waits until SIGTERM or SIGINT has stopped every child.
 */
public final class SupervisorMain {
    private static final Logger log = LoggerFactory.getLogger(SupervisorMain.class);
    /** The worker JVM's main class. */
    public static final String WORKER_MAIN = "io.imagefleet.worker.WorkerMain";
    static final String RECYCLE_RSS = "IMAGEFLEET_RECYCLE_RSS_BYTES";

    private SupervisorMain() {
    }

    /** Runs the supervisor with this environment until it is stopped; returns the exit code. */
    public static int run(Map<String, String> env) throws InterruptedException {
        SupervisorConfig config = SupervisorConfig.fromEnv(env);
        // Checked already by SupervisorConfig.fromEnv: read again for what the supervisor itself uses of it.
        WorkerConfig worker = WorkerConfig.fromEnv(env);
        Observability observability = worker.observability();
        ChildLogs logs = observability.logFormat() == LogFormat.JSON ? ChildLogs.json(System.err, Clock.systemUTC())
                : ChildLogs.prefixed(System.err);
        try (ProcessMeters meters = ProcessMeters.create("supervisor", List.of())) {
            SupervisorMeters supervisorMeters = new SupervisorMeters(meters.registry(), config.processes());
            Fleet fleet = Fleet.builder(config, env).logs(logs).listener(supervisorMeters).build();
            Supervisor supervisor = fleet.supervisor();
            log.info("supervisor (pid {}) starting with {}; its worker JVMs with {}", ProcessHandle.current().pid(),
                    config.describe(fleet.childHeap()), worker.describe());
            supervisorMeters.bind(supervisor, config.processes());
            // Bound before any worker JVM starts: a port in use stops the supervisor at once, saying so.
            try (HealthServer server = HealthServer.start(observability.metricsPort(), () -> scrape(meters, supervisor),
                    new SupervisorHealth(supervisor, observability.livenessTimeout(), System::nanoTime))) {
                Signal.handle(new Signal("TERM"), s -> supervisor.stop());
                Signal.handle(new Signal("INT"), s -> supervisor.stop());
                fleet.start();
                while (!supervisor.awaitStopped(Duration.ofSeconds(1))) {
                    // the supervisor's own thread does the work
                }
            }
            log.info("supervisor exiting {}", supervisor.exitCode());
            return supervisor.exitCode();
        }
    }

    /** The pod's meters: the supervisor's own, then each worker JVM's latest, labelled with its slot. */
    static String scrape(ProcessMeters meters, Supervisor supervisor) {
        List<PrometheusMerge.Source> sources = new ArrayList<>();
        sources.add(new PrometheusMerge.Source(meters.scrape(), null));
        new TreeMap<>(supervisor.childMetrics()).forEach((slot, text) ->
                sources.add(new PrometheusMerge.Source(text, Integer.toString(slot))));
        return PrometheusMerge.merge(sources);
    }

    /**
     * Every worker JVM's settings: the supervisor's, and a recycle when its resident set outgrows
     * its share of the pod ({@link ChildHeap#share}) unless {@code IMAGEFLEET_RECYCLE_RSS_BYTES}
     * is set (0 turns it off): a JVM that grows past its share drains and is replaced, rather than
     * letting the pod reach its memory limit and the kernel kill a JVM mid-job.
     */
    static Map<String, String> childEnvironment(Map<String, String> env, long heap) {
        Map<String, String> child = new HashMap<>(env);
        child.putIfAbsent(RECYCLE_RSS, Long.toString(ChildHeap.share(heap)));
        return child;
    }

    /**
     * Every worker JVM's options: its heap, exit on OutOfMemoryError (the JVM's state cannot be
     * trusted after one, and a supervisor respawns it), then the user's options.
     */
    static List<String> childJvmOptions(SupervisorConfig config, long heap) {
        List<String> opts = new ArrayList<>();
        opts.add("-Xmx" + (heap >> 20) + "m");
        opts.add("-XX:+ExitOnOutOfMemoryError");
        opts.addAll(config.childJvmOptions());
        return opts;
    }
}
