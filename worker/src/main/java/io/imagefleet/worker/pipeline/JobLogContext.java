package io.imagefleet.worker.pipeline;

import org.slf4j.MDC;

import java.util.Locale;

/**
 * The job a thread is working on, in the logging context (SLF4J MDC), so that every line it logs
 * carries the job id, its record ({@code topic-partition@offset}) and the stage: JSON logs have
 * them as fields, text logs show the id. A pool thread's context is the job it runs now (or ran
 * last). Stateless; MDC is per thread.
 */
public final class JobLogContext {
    public static final String JOB_ID = "jobId";
    public static final String RECORD = "record";
    public static final String STAGE = "stage";

    private JobLogContext() {
    }

    /** This thread now works on the job in the record {@code topic-partition@offset}. */
    public static void enter(String jobId, String record) {
        MDC.put(JOB_ID, jobId);
        MDC.put(RECORD, record);
        MDC.remove(STAGE);
    }

    /** This thread's job is done and its result is being sent. */
    static void answering() {
        MDC.put(STAGE, "answer");
    }

    /** This thread's job has moved on to this stage. */
    static void stage(StageClock.Stage stage) {
        MDC.put(STAGE, stage.name().toLowerCase(Locale.ROOT));
    }
}
