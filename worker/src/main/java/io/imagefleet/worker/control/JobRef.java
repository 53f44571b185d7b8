package io.imagefleet.worker.control;

/**
 * A consumed record by its position ({@code topic-partition@offset}) and the id of the job it
 * holds (empty when it was not a parseable job). Immutable.
 */
public record JobRef(String topic, int partition, long offset, String jobId) {
    public JobRef {
        jobId = jobId == null ? "" : jobId;
    }

    /** {@code topic-partition}. */
    public String partitionName() {
        return topic + "-" + partition;
    }

    /** {@code topic-partition@offset}: what identifies the record, whatever id it carries. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        return jobId.isEmpty() ? position() : jobId + " at " + position();
    }
}
