package io.imagefleet.worker.supervise;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Starts {@link FakeChild}ren, in order, and can be told to fail the next launches. Used on one thread. */
final class FakeLauncher implements ChildLauncher {
    private final LongSupplier nanos;
    private final List<FakeChild> launched = new ArrayList<>();
    private int failures;
    private long nextPid = 1000;

    FakeLauncher(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** The next {@code count} launches throw, as a JVM that cannot be started. */
    void failNext(int count) {
        failures = count;
    }

    /** Every child started so far, spares included. */
    List<FakeChild> launched() {
        return List.copyOf(launched);
    }

    FakeChild last() {
        return launched.get(launched.size() - 1);
    }

    @Override
    public Child launch(int slot, int generation, Events events) throws IOException {
        if (failures > 0) {
            failures--;
            throw new IOException("Cannot run program \"java\": error=12, Cannot allocate memory");
        }
        FakeChild child = new FakeChild(slot, generation, nextPid++, nanos.getAsLong(), events);
        launched.add(child);
        return child;
    }

    @Override
    public boolean aotCacheMissing() {
        return false;
    }

    @Override
    public Child launchAotTrainer(Events events) {
        throw new UnsupportedOperationException("no AOT cache is configured");
    }

    @Override
    public void aotTrained() {
    }
}
