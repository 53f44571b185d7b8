package io.imagefleet.worker.consume;

/**
 * What a {@link ConsumerLoop} tells and asks outside itself: a listener for records in flight and
 * partition changes, the suspect records to isolate or give up on, and whether a reply topic
 * exists. Immutable.
 */
public record LoopHooks(LoopListener listener, Suspicions suspicions, TopicCheck topics) {
    /** No listener, no suspects, every reply topic trusted: a worker on its own, in tests. */
    public static final LoopHooks NONE = new LoopHooks(LoopListener.NONE, Suspicions.NONE, TopicCheck.TRUST);

    /** These hooks, trusting every reply topic. */
    public LoopHooks(LoopListener listener, Suspicions suspicions) {
        this(listener, suspicions, TopicCheck.TRUST);
    }
}
