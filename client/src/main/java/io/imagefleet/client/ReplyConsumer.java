package io.imagefleet.client;

import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.ResultCodec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The one reply consumer of a {@link FleetClient}: reads every partition of the reply topic
 * (no consumer group, from the end as it was at start) and completes the future of the pending
 * job whose {@code imagefleet-correlation-id} a result carries, or, for a result without one,
 * the oldest pending job of the same id. Results of other jobs are skipped, and so are
 * duplicates (the first result of a job wins). Futures not answered by their deadline fail with
 * a {@link TimeoutException} naming the job, the topic and the wait.
 *
 * <p>Threading: {@link #run()} is the only thread that touches the Kafka consumer; {@link #expect}
 * may be called from any thread. Futures are completed on the given executor, so a caller's slow
 * callback never holds up the replies of others.
 */
final class ReplyConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ReplyConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Executor completions;
    private final LongSupplier nanoTime;
    private final ResultCodec codec = new ResultCodec();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean running = true;

    /** A job waiting for its result. */
    private record Pending(String jobId, long deadlineNanos, Duration timeout, long sequence,
                           CompletableFuture<Result> future) {
    }

    ReplyConsumer(Consumer<String, byte[]> consumer, String topic, Executor completions, LongSupplier nanoTime) {
        this.consumer = consumer;
        this.topic = topic;
        this.completions = completions;
        this.nanoTime = nanoTime;
    }

    /**
     * Takes every partition of the topic at its end, and resolves the positions now, so a result
     * published after this returns is read. Call before the thread starts.
     */
    void assignAtEnd(Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("reply topic " + topic + " does not exist (or is not visible to this client)");
        }
        List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(tps);
        consumer.seekToEnd(tps);
        tps.forEach(tp -> consumer.position(tp, timeout));
    }

    /** A future completed with the result of the job published with {@code correlationId}. */
    CompletableFuture<Result> expect(String correlationId, String jobId, Duration timeout) {
        CompletableFuture<Result> future = new CompletableFuture<>();
        Pending p = new Pending(jobId, nanoTime.getAsLong() + timeout.toNanos(), timeout, sequence.getAndIncrement(),
                future);
        pending.put(correlationId, p);
        // Closed meanwhile: the thread may have failed the others already.
        if (!running && pending.remove(correlationId, p)) {
            future.completeExceptionally(new IllegalStateException("the client is closed"));
        }
        // A caller that cancels or completes the future itself frees its place.
        future.whenComplete((r, e) -> pending.remove(correlationId, p));
        return future;
    }

    /** Fails the job published with {@code correlationId} (its send failed, say). */
    void fail(String correlationId, Throwable cause) {
        Pending p = pending.remove(correlationId);
        if (p != null) {
            completions.execute(() -> p.future().completeExceptionally(cause));
        }
    }

    /** How many jobs wait for a result. */
    int waiting() {
        return pending.size();
    }

    @Override
    public void run() {
        try {
            while (running) {
                runOnce(POLL);
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("the reply consumer of {} stopped: {}", topic, e.toString(), e);
            failAll(new IllegalStateException("the reply consumer of " + topic + " stopped: " + e, e));
            throw e;
        } finally {
            consumer.close();
        }
        failAll(new IllegalStateException("the client was closed before the result came"));
    }

    /** One turn: read what arrived, complete the jobs it answers, fail the ones past their deadline. */
    void runOnce(Duration poll) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(poll)) {
            if (!pending.isEmpty()) {
                answer(r);
            }
        }
        expire();
    }

    private void answer(ConsumerRecord<String, byte[]> r) {
        Result result;
        try {
            result = codec.decode(r.value());
        } catch (UncheckedIOException | NullPointerException e) {
            log.warn("skipping a record at {}-{}@{} that is not a result: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            return;
        }
        Header h = r.headers().lastHeader(Headers.CORRELATION_ID);
        String correlationId = h == null ? oldestWaitingFor(result.jobId()) : new String(h.value(), StandardCharsets.UTF_8);
        Pending p = correlationId == null ? null : pending.remove(correlationId);
        if (p != null) {
            completions.execute(() -> p.future().complete(result));
        }
    }

    private String oldestWaitingFor(String jobId) {
        String best = null;
        long bestSeq = Long.MAX_VALUE;
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            if (e.getValue().jobId().equals(jobId) && e.getValue().sequence() < bestSeq) {
                best = e.getKey();
                bestSeq = e.getValue().sequence();
            }
        }
        return best;
    }

    private void expire() {
        long now = nanoTime.getAsLong();
        for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Pending> e = it.next();
            Pending p = e.getValue();
            if (now - p.deadlineNanos() >= 0 && pending.remove(e.getKey(), p)) {
                TimeoutException timeout = new TimeoutException("no result for job " + p.jobId() + " on " + topic
                        + " within " + p.timeout().toMillis() + " ms (correlation id " + e.getKey() + ")");
                completions.execute(() -> p.future().completeExceptionally(timeout));
            }
        }
    }

    private void failAll(RuntimeException cause) {
        for (String key : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(key);
            if (p != null) {
                completions.execute(() -> p.future().completeExceptionally(cause));
            }
        }
    }

    /** Asks the thread to stop; it fails every job still waiting and closes the consumer. */
    void stop() {
        running = false;
        consumer.wakeup();
    }
}
