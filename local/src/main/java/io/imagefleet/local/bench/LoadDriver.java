package io.imagefleet.local.bench;

import io.imagefleet.producer.JobPublisher;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.Result;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Offers jobs to the fleet and collects their results, in one of two ways. At saturation, every
 * partition of the jobs topic is kept holding a few jobs without a result, so every worker
 * always has work queued: jobs go to partitions by their key, and a consumer group never moves
 * work from a busy member to an idle one, so a closed loop over random keys would let a worker
 * run dry while another has a backlog. In the open loop, jobs are published at a fixed rate
 * under random keys, whatever the fleet does. A job's latency runs from its publication to its
 * result's record timestamp, which the worker sets when it sends the result; both clocks are
 * this machine's. Not thread-safe.
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

    /** A job without a result yet; {@code partition} is -1 when the key chose it at random. */
    private record Pending(ImageSet.Image image, long publishedMs, int partition) {
    }

    /** A send in flight, and the partition the job must land in (-1: any). */
    private record Send(String id, CompletableFuture<RecordMetadata> ack, int partition) {
    }

    private final JobPublisher publisher;
    private final ResultReader reader;
    private final ImageSet images;
    private final JobSpec spec;
    private final int partitions;
    private final Map<String, Pending> pending = new HashMap<>();
    private final List<Send> sends = new ArrayList<>();
    private int duplicates;

    /**
     * @param reader     must have been positioned before the first job is published
     * @param partitions the partitions of the jobs topic
     */
    LoadDriver(JobPublisher publisher, ResultReader reader, ImageSet images, JobSpec spec, int partitions) {
        this.publisher = publisher;
        this.reader = reader;
        this.images = images;
        this.spec = spec;
        this.partitions = partitions;
    }

    /** Results seen for jobs that already had one (at-least-once delivery may repeat a result). */
    int duplicates() {
        return duplicates;
    }

    /**
     * Keeps {@code perPartition} jobs without a result in every partition for as long as
     * {@code length} says, then waits for every result.
     */
    List<Done> saturate(String prefix, RunLength length, int perPartition, Duration timeout) {
        return saturate(prefix, length, perPartition, timeout, () -> false);
    }

    /** The same, going on past the length while {@code more} says so (up to the timeout). */
    List<Done> saturate(String prefix, RunLength length, int perPartition, Duration timeout, BooleanSupplier more) {
        List<Done> done = new ArrayList<>();
        int[] outstanding = new int[partitions];
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int next = 0;
        boolean publishing = true;
        while (publishing || !pending.isEmpty()) {
            for (int p = 0; p < partitions && publishing; p++) {
                while (outstanding[p] < perPartition && publishing) {
                    publishing = length.startsJob(next, System.nanoTime() - start) || more.getAsBoolean();
                    if (publishing) {
                        publish(idFor(prefix, next, p), next++, p);
                        outstanding[p]++;
                    }
                }
            }
            publishing = publishing && (length.startsJob(next, System.nanoTime() - start) || more.getAsBoolean());
            for (Pending answered : collect(done, POLL)) {
                outstanding[answered.partition()]--;
            }
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
                publish(String.format(Locale.ROOT, "%s-%06d", prefix, next), next++, -1);
            }
            long untilNextMs = next < count ? (start + (long) (next * 1e9 / rate) - now) / 1_000_000 : POLL.toMillis();
            collect(done, Duration.ofMillis(Math.max(1, Math.min(POLL.toMillis(), untilNextMs))));
            check(deadline, timeout, done.size(), count, prefix);
        }
        return done;
    }

    /** The partition Kafka's producer puts a record with this key in, as its built-in partitioner does. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** A job id for job {@code i} whose key lands in partition {@code p}: a suffix is added until it does. */
    private String idFor(String prefix, int i, int p) {
        String base = String.format(Locale.ROOT, "%s-%06d", prefix, i);
        String id = base;
        for (int k = 1; partitionOf(id, partitions) != p; k++) {
            id = base + "." + k;
        }
        return id;
    }

    private void publish(String id, int i, int partition) {
        ImageSet.Image image = images.forJob(i);
        pending.put(id, new Pending(image, System.currentTimeMillis(), partition));
        sends.add(new Send(id, publisher.publish(spec.job(id, image)), partition));
    }

    /** Collects the results that come within the timeout into {@code done}; returns the jobs they answered. */
    private List<Pending> collect(List<Done> done, Duration timeout) {
        List<Pending> answered = new ArrayList<>();
        for (ReceivedResult r : reader.poll(timeout)) {
            Result result = r.result();
            Pending p = pending.remove(result.jobId());
            if (p == null) {
                duplicates++;
                continue;
            }
            answered.add(p);
            done.add(new Done(result.jobId(), p.image(), p.publishedMs(), r.timestamp(),
                    result.succeeded() ? "OK" : result.error().code().name(),
                    result.worker() == null ? "?" : result.worker().id(), result.timings()));
        }
        return answered;
    }

    private void check(long deadline, Duration timeout, int done, int count, String prefix) {
        for (Iterator<Send> it = sends.iterator(); it.hasNext(); ) {
            Send s = it.next();
            if (!s.ack().isDone()) {
                continue;
            }
            if (s.ack().isCompletedExceptionally()) {
                throw new IllegalStateException("publishing job " + s.id() + " failed: " + s.ack().exceptionNow());
            }
            if (s.partition() >= 0 && s.ack().resultNow().partition() != s.partition()) {
                throw new IllegalStateException("job " + s.id() + " landed in partition " + s.ack().resultNow().partition()
                        + ", not " + s.partition() + ": the producer's partitioner is not the one the bench assumes");
            }
            it.remove();
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("run " + prefix + " timed out after " + timeout.toSeconds() + " s with "
                    + done + " of " + count + " results");
        }
    }
}
