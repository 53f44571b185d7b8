package io.imagefleet.worker;

import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.kernel.StuckJobListener;
import io.imagefleet.worker.recycle.Recycler;

import java.time.Duration;

/**
 * What a worker does about a job whose thread is stuck past its deadline: logs the thread's
 * stack, has the consumer loop answer the job TIMEOUT (so its partition moves on and the job is
 * not delivered again to get stuck again), and recycles the JVM, the only way to get the thread
 * back (not for a virtual thread of a network step, which holds no CPU thread). Built before the loop exists (the pipeline needs it); the loop and recycler are attached
 * when they are. Thread-safe.
 */
final class StuckJobs implements StuckJobListener {
    private final StuckJobListener logged = new LoggedStuckJobs();
    private final Duration timeout;
    private volatile ConsumerLoop loop;
    private volatile Recycler recycler;

    StuckJobs(Duration timeout) {
        this.timeout = timeout;
    }

    void attach(ConsumerLoop loop, Recycler recycler) {
        this.loop = loop;
        this.recycler = recycler;
    }

    @Override
    public void stuck(String jobId, Thread thread, Duration overdue) {
        logged.stuck(jobId, thread, overdue);
        ConsumerLoop l = loop;
        if (l != null) {
            l.jobStuck(thread, timeout, overdue);
        }
        Recycler r = recycler;
        // A stuck virtual thread (a network step ignoring its abort) holds no CPU thread: no recycle needed.
        if (r != null && !thread.isVirtual()) {
            r.jobStuck(jobId, overdue);
        }
    }
}
