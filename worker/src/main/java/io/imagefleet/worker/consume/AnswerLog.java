package io.imagefleet.worker.consume;

import io.imagefleet.wire.Result;
import io.imagefleet.worker.pipeline.JobLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per job that succeeded, with its record and where its time went, so that a job's
 * story (taken, retried, failed or succeeded, dead-lettered, committed) can be followed by grepping
 * its id. Failures are logged where they are decided. The line is logged when Kafka has the result,
 * on whichever thread learns it, so it carries the job's logging context itself. Stateless; thread-safe.
 */
public final class AnswerLog implements ReplyListener {
    private static final Logger log = LoggerFactory.getLogger(AnswerLog.class);

    @Override
    public void result(RecordRef record, Result result) {
        if (!result.succeeded() || !log.isInfoEnabled()) {
            return;
        }
        String where = record.toString();
        try (JobLogContext.Scope scope = JobLogContext.scope(result.jobId(), where, "answer")) {
            logSucceeded(result, where);
        }
    }

    private static void logSucceeded(Result result, String where) {
        Result.Timings t = result.timings();
        if (t == null) {
            log.info("job {} at {} succeeded", result.jobId(), where);
            return;
        }
        log.info("job {} at {} succeeded: {} output(s) in {} ms (queued {}, fetch {}, probe {}, admit {}, decode {}, "
                        + "process {}, encode {}, store {})", result.jobId(), where, result.outputs().size(), t.totalMs(),
                t.queuedMs(), t.fetchMs(), t.probeMs(), t.admitMs(), t.decodeMs(), t.processMs(), t.encodeMs(),
                t.storeMs());
    }
}
