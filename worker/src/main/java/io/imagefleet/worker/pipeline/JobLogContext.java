package io.imagefleet.worker.pipeline;

import org.slf4j.MDC;

import java.util.Locale;
import java.util.Map;

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

    /** The stage this thread's job is in (or ended in), or null when it has none. */
    public static String stage() {
        return MDC.get(STAGE);
    }

    /**
     * Until {@link Scope#close()}, this thread logs for the job in the record {@code topic-partition@offset},
     * at {@code stage}: for a thread that logs about a job it does not run (the poll thread deciding
     * what a job's attempt comes to). Whatever context the thread had is restored on close.
     */
    public static Scope scope(String jobId, String record, String stage) {
        Map<String, String> before = MDC.getCopyOfContextMap();
        MDC.put(JOB_ID, jobId);
        MDC.put(RECORD, record);
        if (stage == null) {
            MDC.remove(STAGE);
        } else {
            MDC.put(STAGE, stage);
        }
        return () -> {
            if (before == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(before);
            }
        };
    }

    /** A job's logging context on a thread that does not run it; closing restores the thread's own. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
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
