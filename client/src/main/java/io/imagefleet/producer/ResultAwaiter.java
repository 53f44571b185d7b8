package io.imagefleet.producer;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Waits for the results of a set of jobs. Duplicates (at-least-once delivery can repeat a
 * result) are counted but only the first result of each job is kept. Not thread-safe.
 */
public final class ResultAwaiter {
    private final ResultReader reader;
    private int duplicates;

    public ResultAwaiter(ResultReader reader) {
        this.reader = reader;
    }

    /**
     * Reads until every listed job has a result or the timeout passes.
     *
     * @param onFirst called with the first result of each awaited job, as it arrives
     * @return the first result of each job that has one, in arrival order
     */
    public Map<String, ReceivedResult> await(Collection<String> jobIds, Duration timeout, Consumer<ReceivedResult> onFirst) {
        Set<String> wanted = Set.copyOf(jobIds);
        Map<String, ReceivedResult> got = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < wanted.size() && System.nanoTime() < deadline) {
            for (ReceivedResult r : reader.poll(Duration.ofMillis(200))) {
                String id = r.result().jobId();
                if (!wanted.contains(id)) {
                    continue;
                }
                if (got.putIfAbsent(id, r) == null) {
                    onFirst.accept(r);
                } else {
                    duplicates++;
                }
            }
        }
        return got;
    }

    /** Results seen for jobs that already had one. */
    public int duplicates() {
        return duplicates;
    }
}
