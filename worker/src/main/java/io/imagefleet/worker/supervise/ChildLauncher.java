package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlMessage;

import java.io.IOException;

/**
 * Starts worker JVMs for the supervisor ({@link JvmLauncher} starts real ones), and the JVM that
 * trains their AOT cache. Called on the supervisor's thread; events come on any thread.
 */
interface ChildLauncher {
    /** Where a child's events go: its messages, in order, then its exit. Thread-safe. */
    interface Events {
        void message(Child child, ControlMessage message);

        void exited(Child child, int code);
    }

    /** Starts a worker JVM that waits for its go; {@code slot} is -1 for a spare. */
    Child launch(int slot, int generation, Events events) throws IOException;

    /** Whether the AOT cache is wanted and missing, so that a training JVM should make it. */
    boolean aotCacheMissing();

    /** Starts a JVM that trains the AOT cache: it builds as a worker would; stopping it then writes the cache. */
    Child launchAotTrainer(Events events) throws IOException;

    /** The training JVM has exited; its cache, if written, is used from now on. */
    void aotTrained();
}
