package io.imagefleet.local.bench;

import java.time.Duration;

/**
 * How long a run lasts: a fixed number of jobs, or as many jobs as start within a time (those
 * started then run to the end). Immutable.
 *
 * @param jobs a fixed number of jobs, or 0 to go by time
 * @param time how long jobs keep starting, when {@code jobs} is 0
 */
record RunLength(int jobs, Duration time) {

    static RunLength ofJobs(int jobs) {
        return new RunLength(jobs, Duration.ZERO);
    }

    static RunLength ofTime(Duration time) {
        return new RunLength(0, time);
    }

    /** Whether job {@code i} (from 0) starts, {@code elapsedNanos} after the run began. */
    boolean startsJob(int i, long elapsedNanos) {
        return jobs > 0 ? i < jobs : elapsedNanos < time.toNanos();
    }

    String describe() {
        return jobs > 0 ? jobs + " jobs" : time.toSeconds() + " s of jobs";
    }

    /** {@code jobs=N} or {@code seconds=S}, for a child process's arguments. */
    String format() {
        return jobs > 0 ? "jobs=" + jobs : "millis=" + time.toMillis();
    }

    static RunLength parse(String s) {
        String[] kv = s.split("=");
        return kv[0].equals("jobs") ? ofJobs(Integer.parseInt(kv[1])) : ofTime(Duration.ofMillis(Long.parseLong(kv[1])));
    }
}
