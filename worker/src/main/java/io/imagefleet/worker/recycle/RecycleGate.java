package io.imagefleet.worker.recycle;

/**
 * Who lets a worker JVM recycle. Under a supervisor the request is sent to it and the grant
 * comes back when no sibling is recycling; a worker on its own grants itself at once.
 */
@FunctionalInterface
public interface RecycleGate {
    /** A gate that grants every request at once, on the calling thread. */
    RecycleGate IMMEDIATE = (reason, detail, grant) -> grant.run();

    /** Asks to recycle; {@code grant} is run (on any thread) once it may. */
    void ask(RecycleReason reason, String detail, Runnable grant);

    /**
     * Says a request will come soon (the job count or the age is near its limit), so that the
     * successor can be made ready first. Nothing by default: a worker on its own has none.
     */
    default void soon() {
    }
}
