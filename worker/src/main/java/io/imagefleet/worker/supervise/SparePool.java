package io.imagefleet.worker.supervise;

/**
 * The spare worker JVM: started, built and waiting without a slot, so that a recycling or
 * crashed slot gets a JVM that has already started. One spare at most; one that fails to start
 * or dies is started again after a backoff. Touched only by the supervisor's thread.
 */
final class SparePool {
    private final CrashPolicy policy;
    private Child spare;
    private int failures;
    private long nextStartNanos;

    SparePool(CrashPolicy policy, long now) {
        this.policy = policy;
        this.nextStartNanos = now;
    }

    boolean owns(Child child) {
        return child != null && child == spare;
    }

    /** Whether a new spare should be started now. */
    boolean due(long now) {
        return spare == null && now - nextStartNanos >= 0;
    }

    /** A new spare, or null when it could not be started (tried again after a backoff). */
    void started(Child child, long now) {
        spare = child;
        if (child == null) {
            failed(now);
        }
    }

    /** The spare, taken out of the pool; null when there is none alive. */
    Child take() {
        Child taken = spare != null && spare.alive() ? spare : null;
        spare = null;
        return taken;
    }

    /** The spare exited before it was taken; true if it was the spare. */
    boolean exited(Child child, long now) {
        if (!owns(child)) {
            return false;
        }
        spare = null;
        failed(now);
        return true;
    }

    /** The spare now, for signals; null when there is none. */
    Child peek() {
        return spare;
    }

    private void failed(long now) {
        failures++;
        nextStartNanos = now + policy.backoff(failures + 1).toNanos();
    }
}
