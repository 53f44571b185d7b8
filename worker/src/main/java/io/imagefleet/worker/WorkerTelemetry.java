package io.imagefleet.worker;

import io.imagefleet.config.Topics;
import io.imagefleet.worker.admission.MemoryBudget;
import io.imagefleet.worker.config.Observability;
import io.imagefleet.worker.consume.AnswerLog;
import io.imagefleet.worker.consume.ConsumerLoop;
import io.imagefleet.worker.consume.GroupJoin;
import io.imagefleet.worker.consume.LoopListener;
import io.imagefleet.worker.consume.ReplyListener;
import io.imagefleet.worker.control.ControlMessage;
import io.imagefleet.worker.control.LoopState;
import io.imagefleet.worker.health.HealthServer;
import io.imagefleet.worker.health.PollClock;
import io.imagefleet.worker.health.WorkerHealth;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.metrics.FleetMeter;
import io.imagefleet.worker.metrics.JobMeters;
import io.imagefleet.worker.metrics.ProcessMeters;
import io.imagefleet.worker.control.SupervisorLink;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * What a worker JVM shows of itself: its meters (JVM, process, jobs, memory budget, Kafka clients
 * with the consumer's lag per partition) and its liveness (the poll loop's turns). A worker on its
 * own serves them at {@code /metrics} and {@code /health/*}; a worker under a supervisor has no
 * port and sends them to the supervisor instead: a heartbeat every second and its meters every
 * {@code IMAGEFLEET_METRICS_INTERVAL}, from a timer thread of its own, so that a frozen or stuck
 * worker falls silent or shows its stale poll loop. Thread-safe.
 */
final class WorkerTelemetry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerTelemetry.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** How often the Kafka client binders look for new client metrics (a new partition's lag, say). */
    private static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

    private final Observability settings;
    private final ProcessMeters meters;
    private final JobMeters jobs;
    private final PollClock poll = new PollClock(System::nanoTime);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            WorkerMain.named("imagefleet-telemetry-"));
    private final List<KafkaClientMetrics> kafka = new ArrayList<>();
    private KafkaClientMetrics producerMetrics;
    private volatile ConsumerLoop loop;
    private volatile Consumer<?, ?> consumer;
    private HealthServer server;

    /**
     * @param slot the slot label of the meters of a worker on its own; null under a supervisor,
     *             which labels them itself (a spare learns its slot only at its go)
     */
    WorkerTelemetry(Observability settings, String slot, Topics topics, MemoryBudget budget) {
        this.settings = settings;
        this.meters = ProcessMeters.create(slot, List.of(topics.jobs(), topics.results(), topics.dlq()));
        this.jobs = new JobMeters(meters.registry());
        jobs.bindBudget(budget);
        jobs.bindLoop(this::state);
        if (slot != null) {
            FleetMeter.POLL_AGE.gauge(meters.registry(), poll,
                    p -> p.ageNanos().isPresent() ? p.ageNanos().getAsLong() / 1e9 : Double.NaN, slot);
        }
    }

    /** Exports which native codecs this JVM uses: 1 per library loaded, 0 per library missing. */
    void natives(NativeCodecs natives) {
        FleetMeter.NATIVE_CODEC.gauge(meters.registry(), natives, n -> n.hasTurboJpeg() ? 1 : 0, "libturbojpeg");
        FleetMeter.NATIVE_CODEC.gauge(meters.registry(), natives, n -> n.hasWebp() ? 1 : 0, "libwebp");
        FleetMeter.NATIVE_CODEC.gauge(meters.registry(), natives, n -> n.hasHeif() ? 1 : 0, "libheif");
        // Loaded as a pair: animated WebP needs both.
        FleetMeter.NATIVE_CODEC.gauge(meters.registry(), natives, n -> n.hasWebpAnimation() ? 1 : 0, "libwebpdemux");
        FleetMeter.NATIVE_CODEC.gauge(meters.registry(), natives, n -> n.hasWebpAnimation() ? 1 : 0, "libwebpmux");
    }

    /** Exports the resident set at which this JVM recycles (its share of the pod under a supervisor); 0 for none. */
    void residentLimit(long bytes) {
        FleetMeter.RESIDENT_LIMIT.gauge(meters.registry(), bytes, Long::doubleValue);
    }

    /** Exports the job pool's capacity: its threads and how many are busy. */
    void pool(int threads, IntSupplier busy) {
        jobs.bindPool(threads, busy);
    }

    /** What the consumer loop tells: records in flight, partitions, and each turn. */
    LoopListener loopListener() {
        return LoopListener.all(jobs, poll);
    }

    /** The loop's liveness clock, for main to set how long a loop may hold jobs without progress. */
    PollClock poll() {
        return poll;
    }

    /** What the answers tell: jobs by outcome, stage times, bytes; and the per-job log line. */
    ReplyListener replyListener() {
        return ReplyListener.all(jobs, new AnswerLog());
    }

    /**
     * The loop and its consumer exist: their state is exported from now on, and the consumer's
     * metrics as soon as the telemetry thread has bound them (a few hundred meters: done off the
     * main thread, so that a successor JVM starts polling without waiting for them).
     */
    void attach(ConsumerLoop loop, Consumer<?, ?> consumer) {
        this.loop = loop;
        this.consumer = consumer;
        timer.execute(() -> safely("the consumer's meters", () -> {
            // Tagged by kind: the consumer and producer share a client id, and so their app-info meters' names.
            KafkaClientMetrics binder = new KafkaClientMetrics(consumer, Tags.of("client.kind", "consumer"),
                    kafkaTimer(), KAFKA_METRICS_REFRESH);
            synchronized (kafka) {
                binder.bindTo(meters.registry());
                kafka.add(binder);
            }
        }));
    }

    /**
     * Exports a producer's metrics, in place of the previous producer's (exactly-once delivery
     * makes a new producer after a failed transaction), from the telemetry thread; returns it.
     */
    <P extends Producer<?, ?>> P producer(P producer) {
        timer.execute(() -> safely("the producer's meters", () -> {
            KafkaClientMetrics binder = new KafkaClientMetrics(producer, Tags.of("client.kind", "producer"),
                    kafkaTimer(), KAFKA_METRICS_REFRESH);
            synchronized (kafka) {
                if (producerMetrics != null) {
                    producerMetrics.close();
                    kafka.remove(producerMetrics);
                }
                binder.bindTo(meters.registry());
                producerMetrics = binder;
                kafka.add(binder);
            }
        }));
        return producer;
    }

    private static ScheduledExecutorService kafkaTimer() {
        // Each binder shuts its scheduler down when it is closed: one of its own each.
        return Executors.newSingleThreadScheduledExecutor(WorkerMain.named("imagefleet-kafka-metrics-"));
    }

    ConsumerLoop.State state() {
        ConsumerLoop l = loop;
        return l == null ? ConsumerLoop.State.STARTING : l.state();
    }

    boolean joined() {
        Consumer<?, ?> c = consumer;
        return c != null && GroupJoin.joined(c.metrics());
    }

    /** A worker on its own: serves /metrics and /health on IMAGEFLEET_METRICS_PORT. */
    void serve() {
        server = HealthServer.start(settings.metricsPort(), meters::scrape,
                new WorkerHealth(this::state, poll, jobs::partitions, this::joined, settings.livenessTimeout(),
                        System::nanoTime));
    }

    /** A worker under a supervisor: a heartbeat every second, its meters every metrics interval. */
    void reportTo(SupervisorLink link) {
        timer.scheduleAtFixedRate(() -> safely("a heartbeat", () -> link.send(heartbeat())), 0, HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(() -> safely("the meters", () -> link.send(new ControlMessage.Metrics(meters.scrape()))),
                settings.metricsInterval().toMillis(), settings.metricsInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private ControlMessage.Heartbeat heartbeat() {
        long age = poll.ageNanos().orElse(-1_000_000L) / 1_000_000;
        return new ControlMessage.Heartbeat(age, wire(state()), jobs.partitions(), joined());
    }

    /** The loop's state as the channel carries it. */
    static LoopState wire(ConsumerLoop.State state) {
        return switch (state) {
            case STARTING -> LoopState.STARTING;
            case RUNNING -> LoopState.RUNNING;
            case DRAINING -> LoopState.DRAINING;
            case STOPPED -> LoopState.STOPPED;
        };
    }

    /** Runs a timer task; one that threw would never run again, so log and carry on. */
    private static void safely(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("could not send or bind {}: {}", what, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            // A binding under way finishes first, so that its binder is closed below.
            if (!timer.awaitTermination(1, TimeUnit.SECONDS)) {
                log.warn("the telemetry thread did not stop within 1 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server != null) {
            server.close();
        }
        synchronized (kafka) {
            kafka.forEach(KafkaClientMetrics::close);
        }
        meters.close();
    }
}
