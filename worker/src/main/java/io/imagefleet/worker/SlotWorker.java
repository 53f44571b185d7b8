package io.imagefleet.worker;

import io.imagefleet.worker.config.Delivery;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.consume.JobHandler;
import io.imagefleet.worker.consume.KafkaClients;
import io.imagefleet.worker.consume.LoopHooks;
import io.imagefleet.worker.consume.LoopListener;
import io.imagefleet.worker.consume.LoopSettings;
import io.imagefleet.worker.consume.Outbox;
import io.imagefleet.worker.consume.PartitionRef;
import io.imagefleet.worker.consume.QueuedListener;
import io.imagefleet.worker.consume.Replies;
import io.imagefleet.worker.consume.Suspicions;
import io.imagefleet.worker.consume.TopicCheck;
import io.imagefleet.worker.control.SupervisorLink;
import io.imagefleet.worker.recycle.RecycleGate;
import io.imagefleet.worker.recycle.RecycleReason;
import io.imagefleet.worker.recycle.Recycler;
import io.imagefleet.wire.InvalidJobException;
import io.imagefleet.wire.JobCodec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The per-slot half of a worker JVM, the composition root of its Kafka side: the consumer loop
 * with its clients, job pool and retry timer, the recycler, the admin client for topic checks,
 * and the queue that tells the supervisor. {@link #run} runs the loop until it stops (the loop
 * drains, commits and closes its consumer and producer); closing it stops what it built, last
 * built first, logging any step that does not finish in time. Built, run and closed by the main
 * thread.
 */
final class SlotWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotWorker.class);
    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(1);
    /** The longest each step of the warm-up read waits for the broker. */
    private static final Duration WARM_UP_WAIT = Duration.ofSeconds(2);

    private final Closer closer;
    private final int slot;
    private final String workerId;
    private final SupervisorLink link;
    private final WorkerTelemetry telemetry;
    private final Recycler recycler;
    private final QueuedListener toSupervisor;
    private final ConsumerLoop loop;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String jobsTopic;
    private volatile boolean ran;

    SlotWorker(WorkerRuntime runtime, int slot, Stopper stop) {
        WorkerConfig config = runtime.config();
        this.slot = slot;
        this.link = runtime.link();
        this.telemetry = runtime.telemetry();
        this.workerId = runtime.host() + "/slot-" + slot;
        this.closer = new Closer("worker " + workerId);
        long start = System.nanoTime();
        try {
            ScheduledExecutorService timer = closer.executor("recycle timer",
                    Executors.newSingleThreadScheduledExecutor(WorkerMain.named("imagefleet-timer-")), CLOSE_LIMIT);
            this.recycler = closer.add("recycler", new Recycler(config.recycle(),
                    link != null ? link : RecycleGate.IMMEDIATE, timer,
                    () -> ThreadLocalRandom.current().nextDouble(), runtime.budget()::reserved), CLOSE_LIMIT);
            LoopListener counter = new LoopListener() {
                @Override
                public void jobEnded(PartitionRef tp, long offset, String jobId, Outcome outcome) {
                    if (outcome == Outcome.ANSWERED) {
                        recycler.jobFinished();
                    }
                }
            };
            LoopListener seen = LoopListener.all(counter, telemetry.loopListener());
            String clientId = "imagefleet-" + runtime.host() + "-" + slot;
            Admin admin = Admin.create(KafkaClients.admin(config, clientId));
            closer.add("admin client", (AutoCloseable) () -> admin.close(CLOSE_LIMIT), CLOSE_LIMIT.plusSeconds(1));
            TopicCheck topics = TopicCheck.describing(admin, KafkaClients.TOPIC_CHECK_TIMEOUT);
            // The supervisor hears on a thread of its own: a pipe write never blocks the poll thread.
            this.toSupervisor = link == null ? null : closer.add("supervisor news",
                    new QueuedListener(link, 10_000, "imagefleet-supervisor-news", Duration.ofSeconds(1)),
                    Duration.ofSeconds(2));
            LoopHooks hooks = link == null ? new LoopHooks(seen, Suspicions.NONE, topics)
                    : new LoopHooks(LoopListener.all(toSupervisor, seen), link, topics);
            LoopSettings settings = LoopSettings.of(config.topics().jobs(), workerId, config.threads(), config.io().jobs(),
                    config.io().bytesFor(runtime.budget().capacity()), config.drainTimeout(), config.retry());
            // A stable member id per slot (static membership): a respawned JVM takes its partitions back without a rebalance.
            String instanceId = link != null ? runtime.host() + "-slot-" + slot : null;
            // The loop shuts both executors down when it stops; waited for here, so that a thread that does not stop is logged.
            ThreadPoolExecutor pool = closer.executor("job pool", new ThreadPoolExecutor(config.threads(),
                    config.threads(), 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                    WorkerMain.named("imagefleet-job-")), CLOSE_LIMIT);
            telemetry.pool(config.threads(), pool::getActiveCount);
            ScheduledExecutorService retries = closer.executor("retry timer",
                    Executors.newSingleThreadScheduledExecutor(WorkerMain.named("imagefleet-retry-")), CLOSE_LIMIT);
            // Closed by the loop, with its producer, when it stops.
            this.jobsTopic = config.topics().jobs();
            this.consumer = new KafkaConsumer<>(KafkaClients.consumer(config, clientId, instanceId, settings.maxInFlight()));
            Outbox outbox = outbox(config, clientId, runtime.host(), slot, consumer, telemetry);
            // A prepared worker closed before its go never ran the loop that would close them.
            closer.add("unused Kafka clients", (AutoCloseable) () -> {
                if (!ran) {
                    outbox.close(CLOSE_LIMIT);
                    consumer.close(CloseOptions.timeout(CLOSE_LIMIT));
                }
            }, CLOSE_LIMIT.multipliedBy(2).plusSeconds(1));
            this.loop = new ConsumerLoop(consumer, outbox,
                    JobHandler.of(runtime.pipeline().pipeline()), pool, retries,
                    new Replies(config.topics().results(), config.topics().dlq(), config.reply(),
                            KafkaClients.maxRecordBytes(config), telemetry.replyListener()),
                    settings, Clock.systemUTC(), hooks);
            telemetry.attach(loop, consumer);
            telemetry.poll().stallAfter(WorkerMain.stallLimit(config));
            stop.attach(loop);
            runtime.stuck().attach(loop, recycler);
            // Off a recycle's gap when the supervisor prepared this successor; in it when the go came first (a crash).
            log.info("worker {} built in {} ms", workerId, (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            throw closer.closeAfter(e);
        }
    }

    /**
     * Prepares a JVM waiting for its go (a spare) to build and start its slot's worker fast: an
     * admin client built and closed (its classes loaded and linked), and a throw-away consumer
     * that reads the jobs topic by assignment, never joining the group: it fetches metadata,
     * the committed offsets and a batch of records, so that the network and fetch code a
     * successor runs at once after its go is loaded and compiled. It commits nothing; a broker
     * that does not answer within the warm-up's time only leaves that code cold.
     */
    static void warmUp(WorkerConfig config) {
        try (Admin admin = Admin.create(KafkaClients.admin(config, "imagefleet-warm-up"))) {
            admin.close(Duration.ZERO);
        }
        long start = System.nanoTime();
        String topic = config.topics().jobs();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(KafkaClients.consumer(config, "imagefleet-warm-up", null, 1))) {
            // Listing the topics, unlike asking for one, never creates it.
            List<PartitionInfo> partitions = consumer.listTopics(WARM_UP_WAIT).getOrDefault(topic, List.of());
            if (!partitions.isEmpty()) {
                consumer.assign(partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList());
                // Decoded and dropped: a successor's first job is the first record its JSON reader sees otherwise.
                JobCodec codec = new JobCodec();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(WARM_UP_WAIT)) {
                    warmUpDecode(codec, record.value());
                }
            }
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        } catch (KafkaException e) {
            log.debug("warm-up read of {} stopped: {}", topic, e.toString());
        }
        log.debug("Kafka clients warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Opens the consumer's connections before the go (a successor prepared while the old JVM
     * still works): it reads the topic's metadata (listing topics never creates one) and the
     * committed offsets of its partitions, which finds the group's coordinator, so that after the
     * go the join is the first request. It joins nothing and commits nothing; a broker that does
     * not answer in time only leaves that to the first poll.
     */
    void connect() {
        long start = System.nanoTime();
        try {
            List<PartitionInfo> partitions = consumer.listTopics(WARM_UP_WAIT).getOrDefault(jobsTopic, List.of());
            if (!partitions.isEmpty()) {
                consumer.committed(partitions.stream().map(p -> new TopicPartition(jobsTopic, p.partition()))
                        .collect(Collectors.toSet()), WARM_UP_WAIT);
            }
            log.info("worker {} connected in {} ms", workerId, (System.nanoTime() - start) / 1_000_000);
        } catch (KafkaException e) {
            log.info("worker {} could not connect ahead of its go ({}); its first poll will", workerId, e.toString());
        }
    }

    private static void warmUpDecode(JobCodec codec, byte[] value) {
        try {
            codec.decode(value);
        } catch (InvalidJobException e) {
            log.debug("warm-up read an invalid job (the loop will answer it): {}", e.getMessage());
        }
    }

    /**
     * Runs the consumer loop on this thread until it stops (told to, or a recycle granted); then
     * the supervisor has heard all the loop told (the queue to it is flushed).
     */
    void run() {
        ran = true;
        // Not before: a spare prepared for a slot builds this worker ahead of its go.
        if (link != null) {
            telemetry.reportTo(link);
        }
        // A recycle finishes the jobs already fetched, unless it is for a stuck CPU thread, which may never take them.
        recycler.start(() -> loop.recycle(recycler.reason().orElse(null) != RecycleReason.STUCK_JOB));
        log.info("worker {} consuming", workerId);
        loop.run();
        if (toSupervisor != null) {
            toSupervisor.close();
        }
    }

    /** The slot this worker serves. */
    int slot() {
        return slot;
    }

    /** Whether the worker stopped for a recycle the supervisor granted. */
    boolean recycleGranted() {
        return recycler.granted();
    }

    /** Jobs answered by this worker. */
    long jobsFinished() {
        return recycler.jobsFinished();
    }

    /**
     * How answers and offsets reach Kafka: at least once, or exactly once with a transactional
     * producer whose id is stable per slot, so that a respawned slot's producer aborts whatever
     * its dead predecessor left open.
     */
    private static Outbox outbox(WorkerConfig config, String clientId, String host, int slot,
                                 KafkaConsumer<byte[], byte[]> consumer, WorkerTelemetry telemetry) {
        if (config.delivery() == Delivery.EXACTLY_ONCE) {
            String transactionalId = "imagefleet-" + config.groupId() + "-" + host + "-slot-" + slot;
            log.info("exactly-once delivery: results and offsets in transactions of {}", transactionalId);
            return Outbox.exactlyOnce(() -> telemetry.producer(
                    new KafkaProducer<>(KafkaClients.producer(config, clientId, transactionalId))), consumer);
        }
        // The outbox shuts its sender thread down when it closes.
        return Outbox.atLeastOnce(telemetry.producer(new KafkaProducer<>(KafkaClients.producer(config, clientId))),
                consumer, Executors.newSingleThreadExecutor(WorkerMain.named("imagefleet-send-")));
    }

    @Override
    public void close() {
        closer.close();
    }
}
