package io.imagefleet.worker;

import io.imagefleet.worker.kernel.StuckJobListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Logs a stuck job with the stack of the thread that holds it, so the cause can be found. This
 * is all a worker does about it until recycling (the isolates issue) restarts the JVM on it.
 * Thread-safe.
 */
final class LoggedStuckJobs implements StuckJobListener {
    private static final Logger log = LoggerFactory.getLogger(LoggedStuckJobs.class);

    @Override
    public void stuck(String jobId, Thread thread, Duration overdue) {
        String stack = Arrays.stream(thread.getStackTrace()).limit(40).map(f -> "\tat " + f)
                .collect(Collectors.joining("\n"));
        log.error("job {} stuck {} ms past its deadline on {}; its slot stays busy until the thread returns:\n{}",
                jobId, overdue.toMillis(), thread.getName(), stack);
    }
}
