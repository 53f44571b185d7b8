package io.imagefleet.config;

/**
 * The three topic names of a fleet. Immutable.
 *
 * @param jobs    {@code IMAGEFLEET_JOBS_TOPIC}: where producers publish jobs
 * @param results {@code IMAGEFLEET_RESULTS_TOPIC}: where results go unless a job names its replyTo
 * @param dlq     {@code IMAGEFLEET_DLQ_TOPIC}: dead letters
 */
public record Topics(String jobs, String results, String dlq) {
    public static final String DEFAULT_JOBS = "imagefleet.jobs";
    public static final String DEFAULT_RESULTS = "imagefleet.results";
    public static final String DEFAULT_DLQ = "imagefleet.jobs.dlq";

    public static Topics defaults() {
        return new Topics(DEFAULT_JOBS, DEFAULT_RESULTS, DEFAULT_DLQ);
    }

    public static Topics fromEnv(Env env) {
        return new Topics(
                env.string("IMAGEFLEET_JOBS_TOPIC", DEFAULT_JOBS),
                env.string("IMAGEFLEET_RESULTS_TOPIC", DEFAULT_RESULTS),
                env.string("IMAGEFLEET_DLQ_TOPIC", DEFAULT_DLQ));
    }
}
