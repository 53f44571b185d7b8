package io.imagefleet.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a composition root created and must close, closed in reverse order of creation. Each step
 * is bounded by a time: an executor that does not stop within it is logged and left (its threads
 * are daemons), and any other step that fails or runs past it is logged, and the next step runs
 * anyway. Used by the one thread that builds and closes its root; not thread-safe.
 */
final class Closer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Closer.class);

    private final String owner;
    private final Deque<Step> steps = new ArrayDeque<>();

    /** @param owner what is being closed, for the log ("worker runtime", "slot 3") */
    Closer(String owner) {
        this.owner = owner;
    }

    /** Closes {@code resource} when this closes, and warns if that takes longer than {@code limit}; returns it. */
    <T extends AutoCloseable> T add(String name, T resource, Duration limit) {
        steps.push(new Step(name, limit, () -> {
            resource.close();
            return true;
        }));
        return resource;
    }

    /** Stops the executor when this closes ({@code shutdownNow}), waiting up to {@code limit} for its threads; returns it. */
    <T extends ExecutorService> T executor(String name, T executor, Duration limit) {
        steps.push(new Step(name, limit, () -> {
            executor.shutdownNow();
            return executor.awaitTermination(limit.toNanos(), TimeUnit.NANOSECONDS);
        }));
        return executor;
    }

    /** Closes everything added, last first. */
    @Override
    public void close() {
        while (!steps.isEmpty()) {
            steps.pop().run(owner);
        }
    }

    /** Closes what was built so far when building failed part-way, then rethrows; for a constructor's catch. */
    RuntimeException closeAfter(RuntimeException failure) {
        try {
            close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    @FunctionalInterface
    private interface Action {
        /** Returns false when the step did not finish within its limit. */
        boolean run() throws Exception;
    }

    private record Step(String name, Duration limit, Action action) {
        void run(String owner) {
            long start = System.nanoTime();
            try {
                boolean finished = action.run();
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (!finished) {
                    log.warn("closing the {} of the {}: not stopped after {} ms; left running", name, owner,
                            limit.toMillis());
                } else if (took.compareTo(limit) > 0) {
                    log.warn("closing the {} of the {} took {} ms, over its {} ms", name, owner, took.toMillis(),
                            limit.toMillis());
                } else {
                    log.debug("closed the {} of the {} in {} ms", name, owner, took.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("closing the {} of the {}: interrupted", name, owner);
            } catch (Exception e) {
                log.warn("closing the {} of the {} failed: {}", name, owner, e.toString());
            }
        }
    }
}
