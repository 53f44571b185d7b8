package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
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
import io.imagefleet.worker.pipeline.StagedJob;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop's stages: fetches on I/O threads ahead of the CPU threads, bounded by a count and by
 * the bytes held, with partitions paused while the bytes are spent; deadlines that pass while a
 * job waits for a CPU thread. Stage threads are held executors, run step by step.
 */
class ConsumerLoopStagesTest {
    private static final String JOBS = "jobs";
    private static final TopicPartition P0 = new TopicPartition(JOBS, 0);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final ConsumerLoopTest.RebalancingConsumer consumer = new ConsumerLoopTest.RebalancingConsumer();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final DirectExecutor cpu = new DirectExecutor(true);
    private final DirectExecutor io = new DirectExecutor(true);
    private final Map<String, FakeRun> runs = new HashMap<>();
    private final JobCodec jobs = new JobCodec();
    private final ResultCodec results = new ResultCodec();
    private final Map<PartitionRef, Long> committedHeard = new HashMap<>();

    /** A job whose fetch holds {@code sourceBytes} until its CPU step ends the attempt. */
    private final class FakeRun implements StagedJob {
        final Job job;
        final JobContext context;
        final long sourceBytes;
        Step next = Step.FETCH;
        boolean expired;
        Result result;

        FakeRun(Job job, JobContext context, long sourceBytes) {
            this.job = job;
            this.context = context;
            this.sourceBytes = sourceBytes;
        }

        @Override
        public Step next() {
            return next;
        }

        @Override
        public void run() {
            if (next == Step.FETCH) {
                next = Step.COMPUTE;
            } else {
                end(new Result(1, job.id(), Status.SUCCEEDED, List.of(), null, null, context.workerInfo(), null, null));
            }
        }

        private void end(Result r) {
            result = r;
            next = Step.DONE;
        }

        @Override
        public long heldBytes() {
            return next == Step.COMPUTE ? sourceBytes : 0;
        }

        @Override
        public boolean expired() {
            return expired;
        }

        @Override
        public void timeOut(String waitingFor) {
            end(FailedResult.of(job, context, null, null, ErrorCode.TIMEOUT, "past its deadline while " + waitingFor));
        }

        @Override
        public Result result() {
            return result;
        }

        @Override
        public void abandon() {
            next = Step.DONE;
        }
    }

    private ConsumerLoop loop(int threads, int ioJobs, long ioBytes, long sourceBytes) {
        JobHandler handler = new JobHandler() {
            @Override
            public Result process(Job job, JobContext context) {
                throw new AssertionError("a staged handler is run stage by stage");
            }

            @Override
            public StagedJob begin(Job job, JobContext context) {
                FakeRun run = new FakeRun(job, context, sourceBytes);
                runs.put(job.id(), run);
                return run;
            }
        };
        LoopSettings settings = new LoopSettings(JOBS, "host/slot-0", threads, 10, Duration.ZERO, Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(1), new RetryPolicy(3, Duration.ofMillis(2), Duration.ofMillis(4)),
                ioJobs, ioBytes);
        ConsumerLoop loop = new ConsumerLoop(consumer, Outbox.atLeastOnce(producer, consumer), handler,
                new ConsumerLoop.Stages(cpu, io), Executors.newSingleThreadScheduledExecutor(),
                new Replies("results", "dlq"), settings, CLOCK, new LoopHooks(new LoopListener() {
                    @Override
                    public void committed(Map<PartitionRef, Long> offsets) {
                        committedHeard.putAll(offsets);
                    }
                }, Suspicions.NONE));
        loop.subscribe();
        consumer.rebalance(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        return loop;
    }

    private void add(long offset, String id) {
        byte[] value = jobs.encode(Job.of(id, "http://origin.example/a.jpg",
                List.of(OutputSpec.of("t", List.of(Op.Resize.inside(8, 8)), Format.PNG, null, "file:///out/"))));
        consumer.addRecord(new ConsumerRecord<>(JOBS, 0, offset, CLOCK.millis(), TimestampType.CREATE_TIME, -1, -1,
                id.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), Optional.empty()));
    }

    private Map<String, Result> answered() {
        Map<String, Result> out = new HashMap<>();
        producer.history().stream().filter(r -> r.topic().equals("results"))
                .map(r -> results.decode(r.value())).forEach(r -> out.put(r.jobId(), r));
        return out;
    }

    private Optional<Long> committed() {
        OffsetAndMetadata om = consumer.committed(Set.of(P0)).get(P0);
        return om == null ? Optional.empty() : Optional.of(om.offset());
    }

    @Test
    void runOnce_slowFetch_cpuThreadRunsAJobFetchedAfterIt() {
        ConsumerLoop loop = loop(1, 4, Long.MAX_VALUE, 10);
        add(0, "slow");
        add(1, "quick");

        loop.runOnce();
        assertThat(io.heldCount()).as("both fetches under way at once").isEqualTo(2);
        io.runHeldLast();
        loop.runOnce();

        assertThat(cpu.heldCount()).as("the CPU thread took the job fetched first").isEqualTo(1);
        assertThat(runs.get("slow").next()).isEqualTo(StagedJob.Step.FETCH);
        cpu.runHeld();
        loop.runOnce();
        assertThat(answered()).containsOnlyKeys("quick");
        assertThat(committed().orElse(0L)).as("nothing past the slow job's offset").isZero();

        io.runHeld();
        loop.runOnce();
        cpu.runHeld();
        loop.runOnce();
        loop.runOnce();
        assertThat(answered()).containsOnlyKeys("quick", "slow");
        assertThat(committed()).contains(2L);
    }

    @Test
    void runOnce_fetchCountSpent_startsNoMoreFetchesUntilAJobTakesACpuThread() {
        ConsumerLoop loop = loop(1, 2, Long.MAX_VALUE, 10);
        for (int i = 0; i < 5; i++) {
            add(i, "j" + i);
        }

        loop.runOnce();
        assertThat(io.heldCount()).as("fetches at the count").isEqualTo(2);
        io.runHeld();
        loop.runOnce();

        assertThat(cpu.heldCount()).as("one job on the one CPU thread").isEqualTo(1);
        assertThat(io.heldCount()).as("one fetched job waits, so one more fetch").isEqualTo(1);
        cpu.runHeld();
        io.runHeld();
        loop.runOnce();
        assertThat(cpu.heldCount()).isEqualTo(1);
        assertThat(io.heldCount()).isEqualTo(1);
    }

    @Test
    void runOnce_fullByteBudget_pausesPartitionsAndResumesWhenBytesFree() {
        ConsumerLoop loop = loop(1, 2, 100, 60);
        add(0, "a");
        add(1, "b");
        add(2, "c");

        loop.runOnce();
        io.runHeld();
        loop.runOnce();

        assertThat(cpu.heldCount()).isEqualTo(1);
        assertThat(io.heldCount()).as("120 bytes held of 100: no fetch starts").isZero();
        assertThat(consumer.paused()).as("paused while the bytes are spent").containsExactly(P0);

        cpu.runHeld();
        loop.runOnce();

        assertThat(io.heldCount()).as("60 bytes held: the next fetch starts").isEqualTo(1);
        assertThat(consumer.paused()).as("resumed").isEmpty();
        io.runHeld();
        cpu.runHeld();
        loop.runOnce();
        cpu.runHeld();
        loop.runOnce();
        loop.runOnce();
        assertThat(answered()).containsOnlyKeys("a", "b", "c");
        assertThat(committed()).contains(3L);
    }

    @Test
    void runOnce_deadlinePassesWhileWaitingForCpuThread_answersTimeoutWithoutAThread() {
        ConsumerLoop loop = loop(1, 4, Long.MAX_VALUE, 10);
        add(0, "running");
        add(1, "waiting");
        loop.runOnce();
        io.runHeld();
        loop.runOnce();
        assertThat(cpu.heldCount()).isEqualTo(1);

        runs.get("waiting").expired = true;
        loop.runOnce();
        loop.runOnce();

        assertThat(answered()).containsOnlyKeys("waiting");
        assertThat(answered().get("waiting").error().code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(answered().get("waiting").error().message()).contains("waiting for a thread");
        assertThat(cpu.heldCount()).as("no CPU thread taken by the job that timed out").isEqualTo(1);
        cpu.runHeld();
        loop.runOnce();
        loop.runOnce();
        assertThat(committed()).contains(2L);
    }

    @Test
    void shutdown_jobsFetchedButNotComputed_areLeftForRedelivery() {
        ConsumerLoop loop = loop(1, 4, Long.MAX_VALUE, 10);
        add(0, "computing");
        add(1, "fetched");
        loop.runOnce();
        io.runHeld();
        loop.runOnce();
        assertThat(cpu.heldCount()).isEqualTo(1);

        loop.stop();
        cpu.runHeld();
        loop.shutdown();

        assertThat(answered()).containsOnlyKeys("computing");
        assertThat(committedHeard).as("committed up to the job not computed").containsEntry(new PartitionRef(JOBS, 0), 1L);
        assertThat(runs.get("fetched").next()).as("abandoned").isEqualTo(StagedJob.Step.DONE);
        assertThat(runs.get("fetched").result()).isNull();
    }

    @Test
    void shutdown_recycleDrain_finishesFetchedJobsAndLeavesTheNotBegun() {
        ConsumerLoop loop = loop(1, 2, Long.MAX_VALUE, 10);
        add(0, "computing");
        add(1, "fetched");
        add(2, "fetching");
        add(3, "waiting");
        loop.runOnce();
        io.runHeldLast();
        io.runHeldLast();
        loop.runOnce();
        assertThat(cpu.heldCount()).isEqualTo(1);
        loop.runOnce();
        assertThat(io.heldCount()).as("the fetch begun after the first took a CPU thread").isEqualTo(1);

        loop.recycle(true);
        cpu.release();
        io.release();
        loop.shutdown();

        assertThat(answered()).containsOnlyKeys("computing", "fetched", "fetching");
        assertThat(committedHeard).as("committed up to the job never begun").containsEntry(new PartitionRef(JOBS, 0), 3L);
        assertThat(runs).doesNotContainKey("waiting");
    }
}
