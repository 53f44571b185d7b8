package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.net.URI;

/** Stores encoded outputs of one URI scheme. Implementations are thread-safe. */
interface OutputStore {
    /**
     * Writes the output as its file name under the target prefix, atomically: readers see the
     * whole object or nothing, and writing the same name again replaces it.
     *
     * @return the URI of the stored object
     * @throws JobFailure OUTPUT_FORBIDDEN, OUTPUT_FAILED or TIMEOUT
     */
    URI store(URI target, StoredOutput output, JobDeadline deadline) throws JobFailure;

    /**
     * Writes the output to exactly this object URI (an output's {@code uri}, a presigned URL say),
     * appending nothing. Stores whose objects are not named by URL refuse it.
     *
     * @return the URI of the stored object, without any query (signatures stay out of results)
     * @throws JobFailure OUTPUT_FORBIDDEN, OUTPUT_FAILED or TIMEOUT
     */
    default URI storeExact(URI uri, StoredOutput output, JobDeadline deadline) throws JobFailure {
        throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "output " + output.fileName() + ": " + uri.getScheme()
                + ":// outputs take a target prefix, not an exact uri");
    }
}
