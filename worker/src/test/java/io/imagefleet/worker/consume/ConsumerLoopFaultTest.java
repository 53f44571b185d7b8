package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.ResultCodec;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.config.RetryPolicy;
import io.imagefleet.worker.kernel.FailedResult;
import io.imagefleet.worker.kernel.JobContext;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consumer loop where things go wrong: partitions revoked or lost mid-job, a retry falling
 * due after its partition went, reply topics Kafka refuses (in both delivery modes), records too
 * large, expired jobs, and a stop that cannot wait for a stuck job. MockConsumer, MockProducer, a
 * manual clock and a manual timer; no sleeps.
 */
class ConsumerLoopFaultTest {
    private static final String JOBS = "jobs";
    private static final TopicPartition P0 = new TopicPartition(JOBS, 0);

    private final ManualClock clock = new ManualClock();
    private final ListeningConsumer consumer = new ListeningConsumer();
    private final RefusingProducer producer = new RefusingProducer();
    private final ManualTimer timer = new ManualTimer();
    private final JobCodec jobs = new JobCodec();
    private final ResultCodec results = new ResultCodec();
    private DirectExecutor pool = new DirectExecutor(true);
    private TopicCheck topics = TopicCheck.TRUST;
    private final List<String> retried = new CopyOnWriteArrayList<>();
    private final LoopListener heard = new LoopListener() {
        @Override
        public void jobRetried(PartitionRef tp, long offset, String jobId, ErrorCode code, int attempt) {
            retried.add(jobId + " " + code + " " + attempt);
        }
    };
    private final List<String> ran = new CopyOnWriteArrayList<>();

    private JobHandler handler = (job, ctx) -> {
        ran.add(job.id());
        return succeeded(job, ctx);
    };

    private static Result succeeded(Job job, JobContext ctx) {
        return new Result(1, job.id(), Status.SUCCEEDED, List.of(), null, null, ctx.workerInfo(), null, job.metadata());
    }

    private ConsumerLoop loop(Outbox outbox) {
        return loop(outbox, Duration.ZERO, Suspicions.NONE);
    }

    private ConsumerLoop loop(Outbox outbox, Duration commitInterval, Suspicions suspicions) {
        LoopSettings settings = new LoopSettings(JOBS, "host/slot-0", 2, 4, Duration.ZERO, commitInterval,
                Duration.ofSeconds(5), Duration.ofSeconds(2), new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(400)));
        ConsumerLoop loop = new ConsumerLoop(consumer, outbox, handler, pool, timer, new Replies("results", "dlq"),
                settings, clock, new LoopHooks(heard, suspicions, topics));
        loop.subscribe();
        consumer.rebalance(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        return loop;
    }

    private ConsumerLoop atLeastOnce() {
        return loop(Outbox.atLeastOnce(producer, consumer));
    }

    private ConsumerLoop exactlyOnce() {
        return loop(Outbox.exactlyOnce(() -> producer, consumer));
    }

    private Job job(String id) {
        return Job.of(id, "file:///in/a.jpg",
                List.of(OutputSpec.of("t", List.of(Op.Resize.inside(8, 8)), Format.PNG, null, "file:///out/")));
    }

    private void add(long offset, Job job) {
        add(offset, jobs.encode(job), new RecordHeaders());
    }

    private void add(long offset, byte[] value, RecordHeaders headers) {
        consumer.addRecord(new ConsumerRecord<>(JOBS, 0, offset, clock.millis(), TimestampType.CREATE_TIME, -1, -1,
                ("k" + offset).getBytes(StandardCharsets.UTF_8), value, headers, Optional.empty()));
    }

    private Optional<OffsetAndMetadata> committed() {
        return Optional.ofNullable(consumer.committed(Set.of(P0)).get(P0));
    }

    private List<Result> resultsOn(String topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic)).map(r -> results.decode(r.value())).toList();
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetters() {
        return producer.history().stream().filter(r -> r.topic().equals("dlq")).toList();
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void onPartitionsRevoked_jobStillRunning_commitsWhatFinishedAndDropsItsLateResult() {
        ConsumerLoop loop = atLeastOnce();
        add(0, job("slow"));
        add(1, job("quick"));
        loop.runOnce();
        assertThat(pool.heldCount()).isEqualTo(2);
        pool.runHeldLast();
        loop.runOnce();

        consumer.rebalance(List.of());

        assertThat(consumer.committedAt(P0)).hasValueSatisfying(om -> {
            assertThat(om.offset()).as("held at the running job").isZero();
            assertThat(OffsetTracker.decode(om)).as("the finished job above it").containsExactly(1L);
        });
        pool.runHeld();
        loop.runOnce();
        assertThat(resultsOn("results")).extracting(Result::jobId).containsExactly("quick");
    }

    @Test
    void onPartitionsLost_jobsInFlight_abandonedWithoutCommittingOrAnswering() {
        ConsumerLoop loop = atLeastOnce();
        add(0, job("a"));
        add(1, job("b"));
        loop.runOnce();

        consumer.listener.onPartitionsLost(List.of(P0));
        pool.runHeld();
        loop.runOnce();

        assertThat(producer.history()).isEmpty();
        assertThat(committed()).isEmpty();
    }

    @Test
    void retryDue_afterItsPartitionWasRevoked_isNotRunAgain() {
        handler = (job, ctx) -> {
            ran.add(job.id());
            return FailedResult.of(job, ctx, null, null, ErrorCode.SOURCE_UNAVAILABLE, "down");
        };
        ConsumerLoop loop = atLeastOnce();
        add(0, job("flaky"));
        loop.runOnce();
        pool.runHeld();
        loop.runOnce();
        assertThat(timer.pending()).as("the retry is waiting").isEqualTo(1);
        assertThat(retried).containsExactly("flaky SOURCE_UNAVAILABLE 1");

        consumer.rebalance(List.of());
        timer.runAll();
        loop.runOnce();
        loop.runOnce();

        assertThat(pool.heldCount()).isZero();
        assertThat(ran).containsExactly("flaky");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void runOnce_replyTopicRefusedAsInvalid_answersReplyFailedOnResultsDeadLettersAndMovesOn() {
        producer.refuse("imagefleet.gone", new InvalidTopicException("Invalid topic imagefleet.gone"));
        ConsumerLoop loop = atLeastOnce();
        add(0, job("bad").withReplyTo("imagefleet.gone"));
        add(1, job("next"));
        loop.runOnce();
        pool.runHeld();
        loop.runOnce();
        loop.runOnce();

        assertThat(resultsOn("results")).extracting(Result::jobId).containsExactlyInAnyOrder("bad", "next");
        Result bad = resultsOn("results").stream().filter(r -> r.jobId().equals("bad")).findFirst().orElseThrow();
        assertThat(bad.error().code()).isEqualTo(ErrorCode.REPLY_FAILED);
        assertThat(bad.error().retryable()).isFalse();
        assertThat(bad.error().message()).contains("imagefleet.gone").contains("invalid topic").contains("the job succeeded");
        assertThat(deadLetters()).singleElement()
                .satisfies(d -> assertThat(header(d, Headers.ERROR_CODE)).isEqualTo("REPLY_FAILED"));
        assertThat(committed()).hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(2));
    }

    @Test
    void runOnce_replyTopicMissing_answersReplyFailedWithoutSendingToIt() {
        topics = (topic, done) -> done.accept(topic, "the topic does not exist");
        ConsumerLoop loop = atLeastOnce();
        add(0, job("lost").withReplyTo("imagefleet.nowhere"));
        loop.runOnce();
        pool.runHeld();
        loop.runOnce();
        loop.runOnce();

        assertThat(producer.history()).noneMatch(r -> r.topic().equals("imagefleet.nowhere"));
        assertThat(resultsOn("results")).singleElement().satisfies(r -> {
            assertThat(r.error().code()).isEqualTo(ErrorCode.REPLY_FAILED);
            assertThat(r.error().message()).contains("'imagefleet.nowhere'").contains("does not exist");
        });
        assertThat(committed()).hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(1));
    }

    @Test
    void runOnce_replyToNotAllowed_answersInvalidJobOnResultsWithoutRunningIt() {
        ConsumerLoop loop = atLeastOnce();
        add(0, job("nosy").withReplyTo("payments.ledger"));
        loop.runOnce();
        loop.runOnce();

        assertThat(ran).isEmpty();
        assertThat(resultsOn("results")).singleElement().satisfies(r -> {
            assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID_JOB);
            assertThat(r.error().message()).contains("'payments.ledger'").contains("IMAGEFLEET_REPLY_TOPICS");
        });
        assertThat(deadLetters()).hasSize(1);
        assertThat(producer.history()).noneMatch(r -> r.topic().equals("payments.ledger"));
        assertThat(committed()).hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(1));
    }

    @Test
    void runOnce_springReplyHeaders_resultGoesToTheHeaderTopicWithTheCorrelationIdEchoed() {
        ConsumerLoop loop = atLeastOnce();
        RecordHeaders headers = new RecordHeaders();
        headers.add(Replies.SPRING_REPLY_TOPIC, "imagefleet.spring-replies".getBytes(StandardCharsets.UTF_8));
        headers.add(Replies.SPRING_CORRELATION_ID, new byte[] {7, 7, 7});
        add(0, jobs.encode(job("spring")), headers);
        loop.runOnce();
        pool.runHeld();
        loop.runOnce();
        loop.runOnce();

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("imagefleet.spring-replies");
            assertThat(r.partition()).as("no reply partition named: the producer picks").isNull();
            assertThat(r.headers().lastHeader(Replies.SPRING_CORRELATION_ID).value()).containsExactly(7, 7, 7);
        });
    }

    @Test
    void runOnce_springReplyPartitionHeader_resultGoesToThatPartition() {
        ConsumerLoop loop = atLeastOnce();
        RecordHeaders headers = new RecordHeaders();
        headers.add(Replies.SPRING_REPLY_TOPIC, "imagefleet.spring-replies".getBytes(StandardCharsets.UTF_8));
        headers.add(Replies.SPRING_REPLY_PARTITION, java.nio.ByteBuffer.allocate(4).putInt(3).array());
        add(0, jobs.encode(job("spring")), headers);
        loop.runOnce();
        pool.runHeld();
        loop.runOnce();
        loop.runOnce();

        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo("imagefleet.spring-replies");
            assertThat(r.partition()).isEqualTo(3);
        });
    }

    @Test
    void runOnce_jobTakenAfterItExpired_answeredExpiredWithoutRunning() {
        ConsumerLoop loop = atLeastOnce();
        add(0, job("late").withExpiresAt(clock.instant().minusSeconds(1)));
        loop.runOnce();
        loop.runOnce();

        assertThat(ran).isEmpty();
        assertThat(pool.heldCount()).isZero();
        assertThat(resultsOn("results")).singleElement().satisfies(r -> {
            assertThat(r.error().code()).isEqualTo(ErrorCode.EXPIRED);
            assertThat(r.error().retryable()).isFalse();
        });
        assertThat(deadLetters()).isEmpty();
        assertThat(committed()).hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(1));
    }

    @Test
    void runOnce_recordNearTheSizeLimit_deadLetteredCutWithItsSizeAndHash() {
        ConsumerLoop loop = atLeastOnce();
        byte[] huge = new byte[Replies.DEFAULT_MAX_RECORD_BYTES - 300];
        java.util.Arrays.fill(huge, (byte) 'x');
        add(0, huge, new RecordHeaders());
        loop.runOnce();
        loop.runOnce();

        assertThat(deadLetters()).singleElement().satisfies(d -> {
            assertThat(Replies.estimatedSize(d)).isLessThanOrEqualTo(Replies.DEFAULT_MAX_RECORD_BYTES);
            assertThat(d.value().length).isLessThan(huge.length);
            assertThat(header(d, Headers.ORIGINAL_SIZE)).isEqualTo(Integer.toString(huge.length));
            assertThat(header(d, Headers.ORIGINAL_SHA256)).hasSize(64);
        });
        assertThat(committed()).hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(1));
    }

    @Test
    void commit_exactlyOnceReplyRefused_transactionRetriedWithoutItAndEveryJobAnswered() {
        producer.refuse("imagefleet.locked", new TopicAuthorizationException(Set.of("imagefleet.locked")));
        ConsumerLoop loop = exactlyOnce();
        add(0, job("locked").withReplyTo("imagefleet.locked"));
        add(1, job("fine"));
        loop.runOnce();
        pool.runHeld();
        loop.runOnce();
        loop.runOnce();
        loop.runOnce();

        assertThat(producer.aborted).as("the transaction with the refused record").isEqualTo(1);
        assertThat(producer.history()).noneMatch(r -> r.topic().equals("imagefleet.locked"));
        assertThat(resultsOn("results")).extracting(Result::jobId).containsExactlyInAnyOrder("locked", "fine");
        assertThat(resultsOn("results")).filteredOn(r -> r.jobId().equals("locked")).singleElement()
                .satisfies(r -> assertThat(r.error().message()).contains("not authorised"));
        assertThat(deadLetters()).singleElement()
                .satisfies(d -> assertThat(header(d, Headers.ERROR_CODE)).isEqualTo("REPLY_FAILED"));
        assertThat(producer.consumerGroupOffsetsHistory()).last()
                .satisfies(byGroup -> assertThat(byGroup.values()).singleElement()
                        .satisfies(offsets -> assertThat(offsets.get(P0).offset()).isEqualTo(2L)));
    }

    @Test
    void runOnce_previousOwnerAnsweredOffsetsAboveItsPosition_skipsThemAndRunsTheRest() {
        consumer.previous.put(P0, new OffsetAndMetadata(0, OffsetTracker.encode(0, List.of(1L, 2L))));
        ConsumerLoop loop = atLeastOnce();
        add(0, job("hung-before"));
        add(1, job("answered-1"));
        add(2, job("answered-2"));
        add(3, job("new"));
        loop.runOnce();
        pool.runHeld();
        loop.runOnce();
        loop.runOnce();

        assertThat(ran).containsExactlyInAnyOrder("hung-before", "new");
        assertThat(committed()).hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(4));
    }

    @Test
    void runOnce_inFlightLimitReached_pausesUntilThereIsRoom() {
        ConsumerLoop loop = atLeastOnce();
        for (long o = 0; o < 4; o++) {
            add(o, job("j" + o));
        }
        loop.runOnce();
        assertThat(consumer.paused()).containsExactly(P0);

        pool.runHeld();
        loop.runOnce();
        pool.runHeld();
        loop.runOnce();
        loop.runOnce();

        assertThat(consumer.paused()).isEmpty();
        assertThat(committed()).hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(4));
    }

    @Test
    void shutdown_jobStuckPastTheDrainTimeout_commitsWhatFinishedAndLeavesTheRestForRedelivery() {
        ConsumerLoop loop = atLeastOnce();
        add(0, job("stuck"));
        add(1, job("done"));
        loop.runOnce();
        pool.runHeldLast();
        loop.runOnce();

        loop.stop();
        loop.shutdown();

        assertThat(loop.state()).isEqualTo(ConsumerLoop.State.STOPPED);
        assertThat(consumer.committedAt(P0)).hasValueSatisfying(om -> {
            assertThat(om.offset()).isZero();
            assertThat(OffsetTracker.decode(om)).containsExactly(1L);
        });
        assertThat(resultsOn("results")).extracting(Result::jobId).containsExactly("done");
    }

    /**
     * Issue 19, ShutdownTest's stop under load: a fleet of two re-ran 5 jobs the first fleet had
     * answered, against 3 in flight. One worker JVM drained quickly and left the group; the other,
     * still waiting for a job that never ends, committed only at the end of its drain, met the
     * rebalance its sibling's leaving began, and gave up at its deadline: every job it had
     * answered during the drain went uncommitted. The drain now commits as answers land.
     */
    @Test
    void shutdown_rebalanceOutlastingTheDrain_jobsAnsweredDuringTheDrainAreCommitted() {
        ConsumerLoop loop = atLeastOnce();
        add(0, job("stuck"));
        add(1, job("done"));
        loop.runOnce();
        assertThat(pool.heldCount()).isEqualTo(2);
        consumer.onPoll = () -> {
            if (pool.heldCount() == 2) {
                pool.runHeldLast();
            } else {
                // The sibling left: the group rebalances until after this worker's deadline.
                consumer.rebalancing = true;
            }
        };

        loop.stop();
        loop.shutdown();

        assertThat(resultsOn("results")).extracting(Result::jobId).containsExactly("done");
        assertThat(consumer.committedAt(P0)).hasValueSatisfying(om -> {
            assertThat(om.offset()).isZero();
            assertThat(OffsetTracker.decode(om)).containsExactly(1L);
        });
    }

    /** Issue 14: a send that blocks (metadata for a topic, a full buffer) never holds the poll thread. */
    @Test
    void runOnce_sendBlocking_pollThreadGoesOnAndTheAnswerLandsLater() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MockProducer<byte[], byte[]> blocking = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.send(record, callback);
            }
        };
        java.util.concurrent.ExecutorService sender = java.util.concurrent.Executors.newSingleThreadExecutor();
        ConsumerLoop loop = loop(Outbox.atLeastOnce(blocking, consumer, sender));
        add(0, job("a"));
        add(1, job("b"));
        loop.runOnce();
        pool.runHeld();

        loop.runOnce();
        add(2, job("c"));
        loop.runOnce();

        assertThat(pool.heldCount()).as("the poll thread took the next job while the send blocked").isEqualTo(1);
        assertThat(blocking.history()).isEmpty();
        release.countDown();
        pool.runHeld();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            loop.runOnce();
            return committed().map(OffsetAndMetadata::offset).orElse(0L) == 3L;
        });
        assertThat(blocking.history()).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("a", "b", "c");
        sender.shutdownNow();
    }

    /**
     * Issue 19, CrashTest: a poison job was answered WORKER_CRASHED twice. The JVM that gave it up
     * went on with the jobs behind it, and the next poison job crashed it before the interval's
     * commit: its successor found the first poison job uncommitted and gave it up again. A give-up
     * is now committed as soon as Kafka has it.
     */
    @Test
    void runOnce_jobGivenUpForCrashes_commitsItsAnswerAtOnce() {
        ConsumerLoop loop = loop(Outbox.atLeastOnce(producer, consumer), Duration.ofHours(1), (tp, offset) -> offset == 0
                ? Optional.of(new Suspicions.Suspicion(2, true, "slot-0 exit 3, slot-0 exit 3")) : Optional.empty());
        loop.runOnce();
        add(0, job("poison"));
        add(1, job("next"));

        loop.runOnce();

        assertThat(resultsOn("results")).extracting(r -> r.error().code()).containsExactly(ErrorCode.WORKER_CRASHED);
        assertThat(pool.heldCount()).as("the job behind it runs").isEqualTo(1);
        assertThat(consumer.committedAt(P0)).as("committed before the interval's commit")
                .hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(1));
    }

    /** The same story, for a suspect: what finished before it is committed before it runs alone. */
    @Test
    void runOnce_suspectAboutToRunAlone_commitsWhatFinishedFirst() {
        ConsumerLoop loop = loop(Outbox.atLeastOnce(producer, consumer), Duration.ofHours(1), (tp, offset) -> offset == 1
                ? Optional.of(new Suspicions.Suspicion(1, false, "slot-0 exit 3")) : Optional.empty());
        loop.runOnce();
        add(0, job("a"));
        add(1, job("suspect"));
        loop.runOnce();
        assertThat(pool.heldCount()).isEqualTo(1);
        pool.runHeld();

        loop.runOnce();

        assertThat(pool.heldCount()).as("the suspect, alone").isEqualTo(1);
        assertThat(consumer.committedAt(P0)).hasValueSatisfying(om -> assertThat(om.offset()).isEqualTo(1));
    }

    /** A clock that moves 50 ms each time it is read, so bounded waits end without sleeping. */
    static final class ManualClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis.addAndGet(50);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }

    /** Holds scheduled tasks until told to run them. */
    static final class ManualTimer extends ScheduledThreadPoolExecutor {
        private final List<Runnable> tasks = new ArrayList<>();

        ManualTimer() {
            super(1);
        }

        @Override
        public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            tasks.add(command);
            return null;
        }

        synchronized int pending() {
            return tasks.size();
        }

        synchronized void runAll() {
            List<Runnable> now = new ArrayList<>(tasks);
            tasks.clear();
            now.forEach(Runnable::run);
        }
    }

    /** A mock consumer that keeps its rebalance listener and where each partition was committed. */
    static final class ListeningConsumer extends MockConsumer<byte[], byte[]> {
        ConsumerRebalanceListener listener;
        /** What a previous owner committed, as {@code committed} reports it to a newly assigned loop. */
        final Map<TopicPartition, OffsetAndMetadata> previous = new java.util.HashMap<>();

        ListeningConsumer() {
            super(AutoOffsetResetStrategy.EARLIEST.name());
        }

        @Override
        public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
            this.listener = listener;
            super.subscribe(topics, listener);
        }

        private final Map<TopicPartition, OffsetAndMetadata> last = new java.util.concurrent.ConcurrentHashMap<>();
        /** Run at the start of each poll. */
        Runnable onPoll = () -> { };
        /** While set, commits are refused as by a group in the middle of a rebalance. */
        boolean rebalancing;

        @Override
        public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            onPoll.run();
            return super.poll(timeout);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            if (rebalancing) {
                throw new org.apache.kafka.common.errors.RebalanceInProgressException("rebalancing");
            }
            super.commitSync(offsets);
            last.putAll(offsets);
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                                             org.apache.kafka.clients.consumer.OffsetCommitCallback callback) {
            super.commitAsync(offsets, callback);
            last.putAll(offsets);
        }

        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions,
                                                                            Duration timeout) {
            Map<TopicPartition, OffsetAndMetadata> out = new java.util.HashMap<>(super.committed(partitions, timeout));
            partitions.forEach(tp -> {
                if (previous.containsKey(tp)) {
                    out.put(tp, previous.get(tp));
                }
            });
            return out;
        }

        /** The last position committed for the partition, with its metadata (kept even after close). */
        Optional<OffsetAndMetadata> committedAt(TopicPartition tp) {
            return Optional.ofNullable(last.get(tp));
        }
    }

    /**
     * A mock producer that refuses records to some topics as a broker would: the send fails, and in
     * a transaction the transaction can then only be aborted.
     */
    static final class RefusingProducer extends MockProducer<byte[], byte[]> {
        private final Map<String, RuntimeException> refusals = new java.util.HashMap<>();
        private boolean poisoned;
        int aborted;

        RefusingProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        void refuse(String topic, RuntimeException e) {
            refusals.put(topic, e);
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            RuntimeException e = refusals.get(record.topic());
            if (e == null) {
                return super.send(record, callback);
            }
            poisoned = transactionInFlight();
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
        }

        @Override
        public void commitTransaction() {
            if (poisoned) {
                throw new KafkaException("Cannot execute transactional method because we are in an error state", null);
            }
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            poisoned = false;
            aborted++;
            super.abortTransaction();
        }
    }
}
