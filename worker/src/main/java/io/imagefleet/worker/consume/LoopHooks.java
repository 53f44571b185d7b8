package io.imagefleet.worker.consume;

/**
 * What a {@link ConsumerLoop} tells and asks outside itself: a listener for records in flight and
 * partition changes, and the suspect records to isolate or give up on. Immutable.
 */
public record LoopHooks(LoopListener listener, Suspicions suspicions) {
    /** No listener, no suspects: a worker on its own. */
    public static final LoopHooks NONE = new LoopHooks(LoopListener.NONE, Suspicions.NONE);
}
