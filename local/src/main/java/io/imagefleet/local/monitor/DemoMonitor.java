package io.imagefleet.local.monitor;

import io.imagefleet.worker.health.HealthServer;
import io.imagefleet.worker.metrics.ProcessMeters;
import io.imagefleet.worker.metrics.PrometheusMerge;
import io.imagefleet.worker.supervise.Supervisor;
import io.imagefleet.worker.supervise.SupervisorHealth;
import io.imagefleet.worker.supervise.SupervisorListener;
import io.imagefleet.worker.supervise.SupervisorMeters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code imagefleet demo --monitor}: the demo fleet's supervisor serves its pod endpoint
 * ({@code /metrics} with every worker JVM's meters, as {@code imagefleet worker --processes N}
 * does) on a free loopback port, and a real Prometheus scrapes it with the shipped alert rules
 * loaded ({@code deploy/monitoring/imagefleet-rules.yaml}); the summary says which alerts fired
 * or were pending during the run. Closing it stops Prometheus and the endpoint. Used by the
 * demo's thread; the endpoint serves from its own threads.
 */
public final class DemoMonitor implements AutoCloseable {
    static final String RULES = "deploy/monitoring/imagefleet-rules.yaml";

    private final ProcessMeters meters = ProcessMeters.create("supervisor", List.of());
    private final SupervisorMeters supervisorMeters;
    private final int processes;
    private final Path dir;
    private final PrintStream err;
    private HealthServer endpoint;
    private LocalPrometheus prometheus;
    private long startedNanos;

    private DemoMonitor(int processes, Path dir, PrintStream err) {
        this.processes = processes;
        this.dir = dir;
        this.err = err;
        this.supervisorMeters = new SupervisorMeters(meters.registry(), processes);
    }

    /** A monitor for a fleet of this many worker JVMs, its files under {@code dir}; nothing runs yet. */
    public static DemoMonitor create(int processes, Path dir, PrintStream err) throws IOException {
        return new DemoMonitor(processes, Files.createDirectories(dir), err);
    }

    /** What the fleet's supervisor must tell (recycles and crashes, as the pod's supervisor meters count them). */
    public SupervisorListener listener() {
        return supervisorMeters;
    }

    /** Serves the fleet's endpoint and starts Prometheus on it. */
    public void watch(Supervisor supervisor) throws IOException {
        supervisorMeters.bind(supervisor, processes);
        endpoint = HealthServer.start(0, () -> scrape(supervisor),
                new SupervisorHealth(supervisor, Duration.ofSeconds(30), System::nanoTime));
        Optional<Path> rules = findRules();
        if (rules.isEmpty()) {
            err.println("monitor: " + RULES + " not found next to this build: Prometheus runs without the alert rules");
        }
        prometheus = LocalPrometheus.start(LocalPrometheus.DEBIAN_BINARY, dir, "127.0.0.1:" + endpoint.port(), rules);
        startedNanos = System.nanoTime();
        err.println("monitor: Prometheus " + prometheus.url() + " scrapes the fleet at http://127.0.0.1:" + endpoint.port()
                + "/metrics every " + LocalPrometheus.INTERVAL.toSeconds() + " s" + rules.map(r -> ", rules " + r).orElse(""));
    }

    /** The alerts of the run, for the demo's summary. */
    public void print(PrintStream out) {
        if (prometheus == null) {
            return;
        }
        Duration run = Duration.ofNanos(System.nanoTime() - startedNanos).plusSeconds(LocalPrometheus.INTERVAL.toSeconds());
        try {
            List<String> fired = prometheus.fired(run);
            List<String> pending = new ArrayList<>(prometheus.pending(run));
            pending.removeIf(p -> fired.stream().anyMatch(f -> f.equals(p)));
            out.printf("alerts:      %d scrape(s) in %d s; fired: %s%n", prometheus.successfulScrapes(run), run.toSeconds(),
                    fired.isEmpty() ? "none" : String.join("; ", fired));
            if (!pending.isEmpty()) {
                out.println("             pending (their for: is longer than the run): " + String.join("; ", pending));
            }
        } catch (IOException e) {
            out.println("alerts:      could not ask Prometheus (" + e.getMessage() + ")");
        }
    }

    private String scrape(Supervisor supervisor) {
        List<PrometheusMerge.Source> sources = new ArrayList<>();
        sources.add(new PrometheusMerge.Source(meters.scrape(), null));
        new TreeMap<>(supervisor.childMetrics()).forEach((slot, text) ->
                sources.add(new PrometheusMerge.Source(text, Integer.toString(slot))));
        return PrometheusMerge.merge(sources);
    }

    /** The shipped rules: next to the build this runs from (the repository's), else under the working directory. */
    static Optional<Path> findRules() {
        List<Path> starts = new ArrayList<>();
        var codeSource = DemoMonitor.class.getProtectionDomain().getCodeSource();
        if (codeSource != null && codeSource.getLocation() != null) {
            try {
                starts.add(Path.of(codeSource.getLocation().toURI()));
            } catch (URISyntaxException e) {
                // not a file location: look under the working directory only
            }
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path candidate = p.resolve(RULES);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        meters.close();
    }
}
