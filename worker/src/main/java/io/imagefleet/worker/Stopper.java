package io.imagefleet.worker;

import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.control.SupervisorLink;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops a worker from a signal or a closed supervisor channel, whether or not its consumer loop
 * exists yet (a spare JVM still waiting for its go just stops waiting). Thread-safe.
 */
final class Stopper implements Runnable {
    private final SupervisorLink link;
    private final AtomicReference<ConsumerLoop> loop = new AtomicReference<>();
    private volatile boolean requested;

    Stopper(SupervisorLink link) {
        this.link = link;
    }

    @Override
    public void run() {
        requested = true;
        if (link != null) {
            link.release();
        }
        ConsumerLoop l = loop.get();
        if (l != null) {
            l.stop();
        }
    }

    /** The loop to stop from now on; stopped at once if a stop came before it existed. */
    void attach(ConsumerLoop l) {
        loop.set(l);
        if (requested) {
            l.stop();
        }
    }
}
