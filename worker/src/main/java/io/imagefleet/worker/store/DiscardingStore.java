package io.imagefleet.worker.store;

import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.net.URI;

/**
 * Drops every output and answers the URI it would have had under its target: for jobs whose
 * outputs nobody reads (a spare JVM's warm-up). Stateless and thread-safe.
 */
final class DiscardingStore implements OutputStore {
    @Override
    public URI store(URI target, StoredOutput output, JobDeadline deadline) throws JobFailure {
        deadline.check("storing " + output.fileName());
        return target.resolve(output.fileName());
    }
}
