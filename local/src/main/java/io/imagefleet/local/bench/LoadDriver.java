package io.imagefleet.local.bench;

import io.imagefleet.producer.JobPublisher;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.Result;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Offers jobs to the fleet and collects their results, in one of two ways: a closed loop that
 * keeps a fixed number of jobs outstanding (the fleet never waits for work, and the backlog
 * stays bounded), or an open loop that publishes at a fixed rate whatever the fleet does.
 * A job's latency runs from its publication to its result's record timestamp, which the worker
 * sets when it sends the result; both clocks are this machine's. Not thread-safe.
 */
final class LoadDriver {
    private static final Duration POLL = Duration.ofMillis(50);

    /** A job that got its (first) result. */
    record Done(String id, ImageSet.Image image, long publishedMs, long resultMs, String outcome, String worker,
                Result.Timings timings) {
        long latencyMs() {
            return Math.max(0, resultMs - publishedMs);
        }

        boolean succeeded() {
            return "OK".equals(outcome);
        }
    }

    private record Pending(ImageSet.Image image, long publishedMs) {
    }

    private final JobPublisher publisher;
    private final ResultReader reader;
    private final ImageSet images;
    private final JobSpec spec;
    private final Map<String, Pending> pending = new HashMap<>();
    private final List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
    private int duplicates;

    /** @param reader must have been positioned before the first job is published */
    LoadDriver(JobPublisher publisher, ResultReader reader, ImageSet images, JobSpec spec) {
        this.publisher = publisher;
        this.reader = reader;
        this.images = images;
        this.spec = spec;
    }

    /** Results seen for jobs that already had one (at-least-once delivery may repeat a result). */
    int duplicates() {
        return duplicates;
    }

    /**
     * Publishes jobs for as long as {@code length} says, keeping at most {@code window} without a
     * result, and waits for every result.
     */
    List<Done> closedLoop(String prefix, RunLength length, int window, Duration timeout) {
        List<Done> done = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int next = 0;
        boolean publishing = true;
        while (publishing || done.size() < next) {
            while (publishing && next - done.size() < window) {
                publishing = length.startsJob(next, System.nanoTime() - start);
                if (publishing) {
                    publish(prefix, next++);
                }
            }
            publishing = publishing && length.startsJob(next, System.nanoTime() - start);
            collect(done, POLL);
            check(deadline, timeout, done.size(), next, prefix);
        }
        return done;
    }

    /** Publishes {@code count} jobs, one every {@code 1/rate} seconds, and waits for every result. */
    List<Done> openLoop(String prefix, int count, double rate, Duration timeout) {
        List<Done> done = new ArrayList<>(count);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int next = 0;
        while (done.size() < count) {
            long now = System.nanoTime();
            while (next < count && now >= start + (long) (next * 1e9 / rate)) {
                publish(prefix, next++);
            }
            long untilNextMs = next < count ? (start + (long) (next * 1e9 / rate) - now) / 1_000_000 : POLL.toMillis();
            collect(done, Duration.ofMillis(Math.max(1, Math.min(POLL.toMillis(), untilNextMs))));
            check(deadline, timeout, done.size(), count, prefix);
        }
        return done;
    }

    private void publish(String prefix, int i) {
        String id = String.format("%s-%06d", prefix, i);
        ImageSet.Image image = images.forJob(i);
        pending.put(id, new Pending(image, System.currentTimeMillis()));
        sends.add(publisher.publish(spec.job(id, image)));
    }

    private void collect(List<Done> done, Duration timeout) {
        for (ReceivedResult r : reader.poll(timeout)) {
            Result result = r.result();
            Pending p = pending.remove(result.jobId());
            if (p == null) {
                duplicates++;
                continue;
            }
            done.add(new Done(result.jobId(), p.image(), p.publishedMs(), r.timestamp(),
                    result.succeeded() ? "OK" : result.error().code().name(),
                    result.worker() == null ? "?" : result.worker().id(), result.timings()));
        }
    }

    private void check(long deadline, Duration timeout, int done, int count, String prefix) {
        for (CompletableFuture<RecordMetadata> send : sends) {
            if (send.isCompletedExceptionally()) {
                throw new IllegalStateException("publishing a job of run " + prefix + " failed: "
                        + send.exceptionNow());
            }
        }
        sends.removeIf(CompletableFuture::isDone);
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("run " + prefix + " timed out after " + timeout.toSeconds() + " s with "
                    + done + " of " + count + " results");
        }
    }
}
