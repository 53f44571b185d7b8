package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Result;

import java.util.function.Supplier;

/**
 * One attempt of a job, run a stage at a time, each stage on a thread the caller picks: network
 * I/O ({@link Step#FETCH}, {@link Step#STORE}) on I/O threads, pixel work ({@link Step#COMPUTE})
 * on a CPU thread. The job's deadline runs from its {@link Pipeline#begin}, through every stage
 * and every wait between them. A stage never throws: a failure ends the attempt with a failed
 * {@link #result()}. One stage runs at a time; the caller hands the job from thread to thread
 * with a happens-before edge (an executor, a queue).
 */
public interface StagedJob {
    /** What an attempt does next. */
    enum Step { FETCH, COMPUTE, STORE, DONE }

    /** The step {@link #run()} runs next; DONE once {@link #result()} is ready. */
    Step next();

    /** Runs the next step on the calling thread. */
    void run();

    /** Bytes it holds in memory now (its fetched source, then its encoded outputs). */
    long heldBytes();

    /** Whether its deadline has passed. */
    boolean expired();

    /** Ends the attempt TIMEOUT without running its next step: it waited past its deadline. */
    void timeOut(String waitingFor);

    /** Its result, once {@link #next()} is DONE. */
    Result result();

    /** Gives back what it holds, without a result (its record went elsewhere). Idempotent. */
    void abandon();

    /** An attempt that is one CPU step producing the whole result (for handlers that are not staged). */
    static StagedJob whole(Supplier<Result> work) {
        return new StagedJob() {
            private Result result;

            @Override
            public Step next() {
                return result == null ? Step.COMPUTE : Step.DONE;
            }

            @Override
            public void run() {
                result = work.get();
            }

            @Override
            public long heldBytes() {
                return 0;
            }

            @Override
            public boolean expired() {
                return false;
            }

            @Override
            public void timeOut(String waitingFor) {
                throw new IllegalStateException("a whole job has no deadline of its own");
            }

            @Override
            public Result result() {
                return result;
            }

            @Override
            public void abandon() {
            }
        };
    }
}
