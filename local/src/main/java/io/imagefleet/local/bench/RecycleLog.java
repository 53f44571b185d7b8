package io.imagefleet.local.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recycles a supervisor reports in its log, with its own figures (drain, rejoin, the gap
 * between jobs) and when each began and ended as the lines were read. Lines are noted by one
 * thread; {@link #recycles()} is safe from any.
 */
final class RecycleLog {
    /** The supervisor's line when it lets a slot go: {@code slot-0 recycles now: max-jobs}. */
    private static final Pattern RECYCLING = Pattern.compile("slot-(\\d+) recycles now: (\\S+)");
    /** Its line when the slot's new JVM started a job. */
    private static final Pattern RECYCLED = Pattern.compile("slot-(\\d+) recycled \\(([^)]*)\\): drained in (\\d+) ms, "
            + "rejoined in (\\d+|\\?) ms, gap between jobs (\\d+|\\?) ms");

    /**
     * One recycle.
     *
     * @param startMs  when the supervisor let the slot go
     * @param endMs    when the slot's new JVM started a job (or the supervisor gave up waiting for one)
     * @param rejoinMs from the old JVM's exit to the new one's first assignment; -1 when none came
     * @param gapMs    from the old JVM's last answered job (or the grant, if later) to the new one's first started job; -1 when none came
     */
    record Recycle(int slot, String reason, long startMs, long endMs, long drainMs, long rejoinMs, long gapMs) {
    }

    private final List<Recycle> recycles = new CopyOnWriteArrayList<>();
    private final Map<Integer, Long> starts = new HashMap<>();

    /** Notes one line of the supervisor's log, read at {@code nowMs}. */
    void note(String line, long nowMs) {
        Matcher start = RECYCLING.matcher(line);
        if (start.find()) {
            starts.put(Integer.parseInt(start.group(1)), nowMs);
            return;
        }
        Matcher end = RECYCLED.matcher(line);
        if (end.find()) {
            int slot = Integer.parseInt(end.group(1));
            Long begun = starts.remove(slot);
            recycles.add(new Recycle(slot, end.group(2), begun == null ? nowMs : begun, nowMs,
                    Long.parseLong(end.group(3)), number(end.group(4)), number(end.group(5))));
        }
    }

    List<Recycle> recycles() {
        return List.copyOf(recycles);
    }

    private static long number(String s) {
        return s.equals("?") ? -1 : Long.parseLong(s);
    }
}
