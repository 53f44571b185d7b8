package io.imagefleet.local.fleet;

import io.imagefleet.worker.WorkerMain;

import java.util.Map;

/**
 * A worker JVM for tests: the real worker, plus a {@code test://} source that can be told to
 * crash, run out of memory, hang or be slow ({@link TestSource}). Compiled into test code only.
 */
public final class TestWorker {
    private TestWorker() {
    }

    public static void main(String[] args) {
        System.exit(WorkerMain.run(args, Map.of("test", new TestSource())));
    }
}
