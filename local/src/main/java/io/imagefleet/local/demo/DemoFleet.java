package io.imagefleet.local.demo;

import io.imagefleet.worker.supervise.ChildLogs;
import io.imagefleet.worker.supervise.CrashRecord;
import io.imagefleet.worker.supervise.Fleet;
import io.imagefleet.worker.supervise.RecycleRecord;
import io.imagefleet.worker.supervise.Supervisor;
import io.imagefleet.worker.supervise.SupervisorConfig;
import io.imagefleet.worker.supervise.SupervisorListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The demo's worker fleet: the real supervisor ({@link Fleet}, as the worker command assembles
 * it), in the demo's JVM, keeping N worker JVMs (and a spare) going, recycling and respawning
 * them, each worker's log in {@code worker-N.log}. It tells what it does as it happens (a line per
 * recycle or crash when not on a terminal, a count for the progress bar when on one) and sums it
 * up at the end. Thread-safe.
 */
public final class DemoFleet implements SupervisorListener, AutoCloseable {
    private final Fleet fleet;
    private final PrintStream live;
    private final List<RecycleRecord> recycles = new CopyOnWriteArrayList<>();
    private final List<CrashRecord> crashes = new CopyOnWriteArrayList<>();

    private DemoFleet(SupervisorConfig config, Map<String, String> env, Path logs, PrintStream live,
                      SupervisorListener also) {
        this.live = live;
        this.fleet = Fleet.builder(config, env).logs(ChildLogs.files(logs)).listener(this).listener(also).build();
    }

    /**
     * Starts the supervisor.
     *
     * @param env  the IMAGEFLEET_* settings of the fleet (with IMAGEFLEET_PROCESSES and IMAGEFLEET_CHILD_HEAP)
     * @param logs where the worker-N.log files go
     * @param live where to tell of recycles and crashes as they happen, or null to keep quiet
     */
    public static DemoFleet start(Map<String, String> env, Path logs, PrintStream live) {
        return start(env, logs, live, SupervisorListener.NONE);
    }

    /** Starts the supervisor, which tells {@code also} what it does too (demo --monitor's meters). */
    public static DemoFleet start(Map<String, String> env, Path logs, PrintStream live, SupervisorListener also) {
        Map<String, String> all = new HashMap<>(System.getenv());
        all.putAll(env);
        DemoFleet demo = new DemoFleet(SupervisorConfig.fromEnv(all), all, logs, live, also);
        demo.fleet.start();
        return demo;
    }

    /** The running supervisor (its worker JVMs' meters, its state). */
    public Supervisor supervisor() {
        return fleet.supervisor();
    }

    /** Where the demo keeps the worker JVMs' AOT cache between runs ({@link Fleet#localAotCache()}). */
    public static Path defaultAotCache() {
        return Fleet.localAotCache();
    }

    @Override
    public void recycled(RecycleRecord r) {
        recycles.add(r);
        if (live != null) {
            live.printf(Locale.ROOT, "recycled slot-%d (%s: %s); jobs waited %s%n", r.slot(), r.reason(), r.detail(),
                    r.gap() == null ? "nothing (none were queued)" : r.gap().toMillis() + " ms");
        }
    }

    @Override
    public void crashed(CrashRecord c) {
        crashes.add(c);
        if (live != null) {
            live.printf(Locale.ROOT, "slot-%d crashed (exit %d) with %d jobs in flight; respawning%n", c.slot(),
                    c.exitCode(), c.inFlight().size());
        }
    }

    /** A few words for a progress bar: {@code 3 recycles, 1 crash}. */
    public String liveSummary() {
        String s = recycles.size() + (recycles.size() == 1 ? " recycle" : " recycles");
        return crashes.isEmpty() ? s : s + ", " + crashes.size() + (crashes.size() == 1 ? " crash" : " crashes");
    }

    public int recycleCount() {
        return recycles.size();
    }

    /** Stops the workers (SIGTERM, drain, commit); true when every one exited cleanly. */
    public boolean stop() throws InterruptedException {
        return fleet.stop(Duration.ofSeconds(90));
    }

    /** The recycles (by reason, with the gap each left between jobs) and crashes of the run. */
    public void print(PrintStream out) {
        Map<String, Long> byReason = recycles.stream().collect(Collectors.groupingBy(r -> r.reason().wireName(), TreeMap::new,
                Collectors.counting()));
        long[] gaps = recycles.stream().map(RecycleRecord::gap).filter(Objects::nonNull).mapToLong(Duration::toMillis)
                .sorted().toArray();
        out.printf(Locale.ROOT, "recycles:    %d%s%s%n", recycles.size(), byReason.isEmpty() ? "" : " " + byReason,
                gaps.length == 0 ? "" : String.format(Locale.ROOT, "; gap between jobs p50 %d ms, worst %d ms",
                        DemoReport.percentile(gaps, 50), gaps[gaps.length - 1]));
        out.printf(Locale.ROOT, "crashes:     %d%s%n", crashes.size(), crashes.isEmpty() ? "" : " (exit codes "
                + crashes.stream().map(c -> Integer.toString(c.exitCode())).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public void close() throws InterruptedException {
        fleet.close();
    }
}
