package io.imagefleet.client;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.producer.JobPublisher;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Result;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * A service's handle on the fleet: publishes jobs and hands back each one's {@link Result} as a
 * future, completed from one reply consumer shared by every job of this client.
 *
 * <pre>{@code
 * try (FleetClient fleet = FleetClient.start(ClientConfig.fromEnv(System.getenv()))) {
 *     Job job = Job.builder("photo-123", "s3://uploads/cat.jpg")
 *             .output(OutputSpec.builder("thumb").resize(256, 256).format(Format.WEBP).target("s3://thumbs/").build())
 *             .build();
 *     Result result = fleet.submit(job).get();
 * }
 * }</pre>
 *
 * <p>A job's result arrives on the reply topic; the client reads every partition of it without a
 * consumer group, from where the topic ended when the client started, so several instances of a
 * service may share one reply topic. A failed job completes its future normally with a failed
 * {@code Result} ({@link Result#succeeded()} is false): failures are answers. A future fails with a
 * {@link java.util.concurrent.TimeoutException} when no result came within the timeout, and with
 * the send's exception when Kafka did not take the job. Futures complete on the
 * {@linkplain #start(ClientConfig, Executor) given executor} (the common pool by default), never on
 * the reply thread.
 *
 * <p>Thread-safe: share one client per service; close it when done (waiting jobs then fail).
 */
public final class FleetClient implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final ClientConfig config;
    private final JobPublisher publisher;
    private final ReplyConsumer replies;
    private final Thread replyThread;

    private FleetClient(ClientConfig config, JobPublisher publisher, ReplyConsumer replies) {
        this.config = config;
        this.publisher = publisher;
        this.replies = replies;
        this.replyThread = new Thread(replies, "imagefleet-client-replies-" + config.replyTopic());
        replyThread.setDaemon(true);
    }

    /** Starts a client whose futures complete on the common pool. */
    public static FleetClient start(ClientConfig config) {
        return start(config, ForkJoinPool.commonPool());
    }

    /**
     * Starts a client: its Kafka producer, and its reply consumer positioned at the end of the
     * reply topic. Returns once results published from now on will be read.
     *
     * @param completions where futures are completed (so callbacks without an executor run there)
     * @throws IllegalStateException when the reply topic does not exist
     */
    public static FleetClient start(ClientConfig config, Executor completions) {
        Consumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(config.kafka()));
        ReplyConsumer replies = new ReplyConsumer(consumer, config.replyTopic(), completions, System::nanoTime);
        try {
            replies.assignAtEnd(START_TIMEOUT);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        FleetClient client = new FleetClient(config, new JobPublisher(config.kafka(), config.jobsTopic()), replies);
        client.replyThread.start();
        return client;
    }

    static Properties consumerProperties(KafkaSettings kafka) {
        Properties p = kafka.clientProperties();
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "imagefleet-client-replies-" + UUID.randomUUID().toString().substring(0, 8));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Exactly-once workers' aborted attempts are never seen.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** Publishes a job and returns its result, waiting at most the configured timeout. */
    public CompletableFuture<Result> submit(Job job) {
        return submit(job, Map.of(), config.timeout());
    }

    /** {@link #submit(Job)} with record headers: trace context ({@code traceparent}), a tenant... */
    public CompletableFuture<Result> submit(Job job, Map<String, String> headers) {
        return submit(job, headers, config.timeout());
    }

    /**
     * Publishes a job with record headers and returns its result, waiting at most {@code timeout}.
     * The job's {@code replyTo} is set to the client's reply topic, and a fresh
     * {@code imagefleet-correlation-id} header ties the result to this call.
     *
     * @throws IllegalArgumentException when the job breaks a schema rule, names another reply topic,
     *                                  or the headers already hold a correlation id
     */
    public CompletableFuture<Result> submit(Job job, Map<String, String> headers, Duration timeout) {
        if (job.replyTo() != null && !job.replyTo().equals(config.replyTopic())) {
            throw new IllegalArgumentException("job " + job.id() + " names replyTo " + job.replyTo()
                    + ", but this client reads its results on " + config.replyTopic()
                    + ": leave replyTo unset, or publish() the job and read that topic");
        }
        if (headers.containsKey(Headers.CORRELATION_ID)) {
            throw new IllegalArgumentException("submit() sets " + Headers.CORRELATION_ID + " itself; publish() takes your own");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Invalid value " + timeout + " for timeout: must be positive");
        }
        Job addressed = job.replyTo() == null ? job.withReplyTo(config.replyTopic()) : job;
        String correlationId = UUID.randomUUID().toString();
        Map<String, String> all = new HashMap<>(headers);
        all.put(Headers.CORRELATION_ID, correlationId);
        CompletableFuture<Result> result = replies.expect(correlationId, job.id(), timeout);
        try {
            publisher.publish(addressed, all).whenComplete((md, e) -> {
                if (e != null) {
                    replies.fail(correlationId, e);
                }
            });
        } catch (RuntimeException e) {
            replies.fail(correlationId, e);
            throw e;
        }
        return result;
    }

    /**
     * Publishes a job without waiting for its result (it goes to the job's {@code replyTo}, or the
     * fleet's results topic), with record headers.
     */
    public CompletableFuture<RecordMetadata> publish(Job job, Map<String, String> headers) {
        return publisher.publish(job, headers);
    }

    /** How many submitted jobs wait for their result. */
    public int waiting() {
        return replies.waiting();
    }

    /** Sends what is buffered, stops the reply consumer (waiting jobs fail) and closes the producer. */
    @Override
    public void close() {
        replies.stop();
        try {
            publisher.close();
            replyThread.join(START_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
