package io.imagefleet.worker.consume;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs tasks on the calling thread, or holds them until {@link #runHeld()} when holding. */
final class DirectExecutor extends AbstractExecutorService {
    private boolean hold;
    private final List<Runnable> held = new ArrayList<>();
    private boolean shutdown;

    DirectExecutor(boolean hold) {
        this.hold = hold;
    }

    @Override
    public void execute(Runnable command) {
        if (hold) {
            held.add(command);
        } else {
            command.run();
        }
    }

    int heldCount() {
        return held.size();
    }

    /** Runs only the last task held. */
    void runHeldLast() {
        held.remove(held.size() - 1).run();
    }

    /** Runs what is held and every task from now on at once, as a pool with free threads would. */
    void release() {
        hold = false;
        runHeld();
    }

    void runHeld() {
        List<Runnable> now = new ArrayList<>(held);
        held.clear();
        now.forEach(Runnable::run);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
