package io.imagefleet.worker.consume;

import io.imagefleet.wire.Result;
import io.imagefleet.worker.pipeline.StagedJob;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.Map;

/**
 * What a pool, timer, producer or admin thread tells the poll thread through the {@link Mailbox}:
 * facts only. Every decision they lead to is taken on the poll thread. Immutable.
 */
sealed interface Event {
    /**
     * A pool thread ran an attempt of a job; {@code result} is what the pipeline made of it, and
     * {@code stage} the stage it ended in (for the logs of what is decided), or null.
     */
    record Processed(Taken job, Result result, String stage) implements Event {
    }

    /** A stage thread ran a step of a job's attempt other than its last ({@code step}: which one). */
    record Stepped(Taken job, StagedJob.Step step) implements Event {
    }

    /** A job's thread is stuck past its deadline and will not give up. */
    record Stuck(Taken job, String message) implements Event {
    }

    /**
     * Kafka answered for every record of a unit: acknowledged (no failures), or refused some, with
     * why. In exactly-once mode a refused transaction reports its offending records this way.
     */
    record Sent(Outgoing unit, Map<ProducerRecord<byte[], byte[]>, Exception> failed) implements Event {
        public Sent {
            failed = Map.copyOf(failed);
        }
    }

    /** A job's wait before its next attempt, or a unit's before it is sent again, is over. */
    record Due(Object what) implements Event {
    }

    /** Whether a reply topic can take results: {@code problem} is null when it can. */
    record Checked(String topic, String problem) implements Event {
    }
}
