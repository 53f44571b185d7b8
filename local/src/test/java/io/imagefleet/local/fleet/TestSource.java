package io.imagefleet.local.fleet;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.source.Source;
import io.imagefleet.worker.source.SourceBytes;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A source for tests, {@code test://MODE/absolute/path/of/an/image?param=value}, that reads the
 * image after doing what the mode says:
 * <ul>
 *   <li>{@code file}: nothing;</li>
 *   <li>{@code slow}: waits {@code ms} milliseconds first;</li>
 *   <li>{@code halt}: halts the JVM at once with exit code {@code code} (default 134), like a native crash;</li>
 *   <li>{@code oom}: allocates until the heap is exhausted (the JVM exits on the OutOfMemoryError);</li>
 *   <li>{@code error}: throws an {@link InternalError}, as a faulty native decoder might;</li>
 *   <li>{@code hang}: never returns, ignoring interrupts and the job's deadline, like a decoder stuck in a loop;</li>
 *   <li>{@code flaky}: fails SOURCE_UNAVAILABLE the first {@code fail} times this JVM reads the URI;</li>
 *   <li>{@code down}: always fails SOURCE_UNAVAILABLE.</li>
 * </ul>
 */
final class TestSource implements Source {
    private final Map<URI, AtomicInteger> reads = new ConcurrentHashMap<>();

    @Override
    public SourceBytes fetch(URI uri, JobDeadline deadline) throws JobFailure {
        Map<String, String> params = params(uri);
        switch (uri.getHost()) {
            case "slow" -> sleep(Long.parseLong(params.getOrDefault("ms", "1000")));
            case "halt" -> Runtime.getRuntime().halt(Integer.parseInt(params.getOrDefault("code", "134")));
            case "oom" -> exhaustHeap();
            case "error" -> throw new InternalError("test: a fault in a native decoder");
            case "hang" -> hang();
            case "flaky" -> {
                int n = reads.computeIfAbsent(uri, k -> new AtomicInteger()).incrementAndGet();
                if (n <= Integer.parseInt(params.getOrDefault("fail", "2"))) {
                    throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "test source unavailable (read " + n + ")");
                }
            }
            case "down" -> throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "test source is down");
            case "file" -> { }
            default -> throw new JobFailure(ErrorCode.UNSUPPORTED_SOURCE, "unknown test mode " + uri.getHost());
        }
        try {
            return new SourceBytes(Files.readAllBytes(Path.of(uri.getPath())), uri.toString());
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.SOURCE_NOT_FOUND, "cannot read " + uri.getPath() + ": " + e);
        }
    }

    private static void sleep(long ms) throws JobFailure {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobFailure(ErrorCode.TIMEOUT, "interrupted while slow");
        }
    }

    @SuppressWarnings({"MismatchedQueryAndUpdateOfCollection", "InfiniteLoopStatement"})
    private static void exhaustHeap() {
        List<long[]> hog = new ArrayList<>();
        while (true) {
            hog.add(new long[8 << 20]);
        }
    }

    @SuppressWarnings("InfiniteLoopStatement")
    private static void hang() {
        while (true) {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
    }

    private static Map<String, String> params(URI uri) {
        Map<String, String> out = new ConcurrentHashMap<>();
        if (uri.getQuery() != null) {
            for (String kv : uri.getQuery().split("&")) {
                String[] p = kv.split("=", 2);
                out.put(p[0], p.length > 1 ? p[1] : "");
            }
        }
        return out;
    }
}
