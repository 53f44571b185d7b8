package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.kernel.JobContext;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.kernel.JobWatchdog;
import io.imagefleet.worker.pipeline.StageClock.Stage;
import io.imagefleet.worker.source.SourceBytes;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One attempt of a job through the {@link Pipeline}'s steps (see {@link StagedJob}). Its deadline
 * and stage clock start when it is made; a wait between steps is charged to the job's queued
 * time, not to a stage. Used by one thread at a time (see {@link StagedJob}); the watchdog reads
 * only the volatile thread of the CPU step.
 */
final class JobRun implements StagedJob {
    /** Marks a run whose stages move between threads: it can be reported stuck only while a step runs. */
    static final Object CPU_ONLY = new Object();

    private final Pipeline pipeline;
    private final JobContext context;
    private final StageClock clock;
    private final JobWatchdog.Watch watch;
    private final List<String> warnings = new ArrayList<>();
    private final List<Result.OutputResult> stored = new ArrayList<>();
    /** The thread that may be reported stuck: the running step's (staged), or the caller's (inline). */
    private volatile Thread working;
    private Job job;
    private Step next = Step.FETCH;
    private long idleMs;
    private Result.SourceInfo sourceInfo;
    private SourceBytes source;
    private Admission.Reservation sourceHold;
    private List<Pipeline.Encoded> encoded;
    private Result result;

    /** @param staged null to run inline on one thread (watched as such), {@link #CPU_ONLY} for stages on other threads */
    JobRun(Pipeline pipeline, Job job, JobContext context, Object staged) {
        this.pipeline = pipeline;
        this.job = job;
        this.context = context;
        this.clock = new StageClock(pipeline.nanos());
        Supplier<Thread> thread = () -> working;
        if (staged == null) {
            working = Thread.currentThread();
        }
        this.watch = pipeline.watch(job.id(), thread);
    }

    @Override
    public Step next() {
        return next;
    }

    @Override
    public void run() {
        boolean inline = working == Thread.currentThread();
        if (!inline) {
            idleMs += clock.idle();
        }
        if (!inline) {
            working = Thread.currentThread();
        }
        try {
            switch (next) {
                case FETCH -> fetch();
                case COMPUTE -> compute();
                case STORE -> store();
                case DONE -> throw new IllegalStateException("job " + job.id() + " is done");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(ErrorCode.INTERNAL, "interrupted while waiting for memory");
        } catch (JobFailure f) {
            fail(f.code(), f.getMessage());
        } catch (RuntimeException e) {
            fail(ErrorCode.INTERNAL, "unexpected " + e);
        } finally {
            if (!inline) {
                working = null;
            }
        }
    }

    private void fetch() throws JobFailure {
        job = pipeline.expand(job);
        source = pipeline.fetch(job, watch.deadline());
        clock.lap(Stage.FETCH);
        sourceInfo = new Result.SourceInfo(null, null, null, source.length(), null);
        sourceHold = pipeline.admission().holdSource(source.length());
        next = Step.COMPUTE;
    }

    private void compute() throws JobFailure, InterruptedException {
        watch.deadline().check("waiting for a thread");
        try {
            encoded = pipeline.compute(job, source, this::release, watch.deadline(), clock, warnings, s -> sourceInfo = s);
        } finally {
            release();
        }
        next = Step.STORE;
    }

    private void store() throws JobFailure {
        watch.deadline().check("waiting to store");
        for (Pipeline.Encoded e : encoded) {
            stored.add(pipeline.store(job, e, watch.deadline()));
            clock.lap(Stage.STORE);
        }
        encoded = null;
        finish(new Result(Job.VERSION, job.id(), Status.SUCCEEDED, stored, sourceInfo, clock.timings(queuedMs()),
                context.workerInfo(), null, job.metadata(), warnings));
    }

    private long queuedMs() {
        return context.queuedMs() + idleMs;
    }

    private void fail(ErrorCode code, String message) {
        clock.fail(clock.next());
        finish(Pipeline.failed(job, new JobContext(context.workerId(), context.attempt(), queuedMs()), sourceInfo, clock,
                code, message, stored));
    }

    private void finish(Result r) {
        result = r;
        next = Step.DONE;
        abandon();
    }

    /** The source and its hold on the memory budget, once decoded (or failed); once only. */
    private void release() {
        source = null;
        if (sourceHold != null) {
            sourceHold.close();
            sourceHold = null;
        }
    }

    @Override
    public long heldBytes() {
        long n = source == null ? 0 : source.length();
        if (encoded != null) {
            for (Pipeline.Encoded e : encoded) {
                n += e.bytes().length;
            }
        }
        return n;
    }

    @Override
    public boolean expired() {
        return watch.deadline().expired();
    }

    @Override
    public void timeOut(String waitingFor) {
        idleMs += clock.idle();
        JobFailure f = watch.deadline().timedOut(waitingFor);
        fail(f.code(), f.getMessage());
    }

    @Override
    public Result result() {
        return result;
    }

    @Override
    public void abandon() {
        release();
        encoded = null;
        watch.close();
        if (next != Step.DONE) {
            next = Step.DONE;
        }
    }
}
