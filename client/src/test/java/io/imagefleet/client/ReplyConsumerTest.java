package io.imagefleet.client;

import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.ResultCodec;
import io.imagefleet.wire.Status;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyConsumerTest {
    private static final String TOPIC = "replies";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private final AtomicLong clock = new AtomicLong();
    private final ResultCodec codec = new ResultCodec();
    private MockConsumer<String, byte[]> consumer;
    private ReplyConsumer replies;
    private long offset;

    @BeforeEach
    void setUp() {
        consumer = new MockConsumer<>("latest");
        Node node = new Node(0, "localhost", 9092);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node})));
        consumer.updateEndOffsets(Map.of(TP, 0L));
        replies = new ReplyConsumer(consumer, TOPIC, Runnable::run, clock::get);
        replies.assignAtEnd(Duration.ofSeconds(1));
    }

    @Test
    void runOnce_resultWithCorrelationId_completesThatJob() {
        CompletableFuture<Result> a = replies.expect("corr-a", "job-1", Duration.ofSeconds(5));
        CompletableFuture<Result> b = replies.expect("corr-b", "job-1", Duration.ofSeconds(5));

        deliver(result("job-1"), "corr-b");
        replies.runOnce(Duration.ZERO);

        assertThat(b).isCompletedWithValueMatching(r -> r.jobId().equals("job-1") && r.succeeded());
        assertThat(a).isNotDone();
        assertThat(replies.waiting()).isEqualTo(1);
    }

    @Test
    void runOnce_resultWithoutCorrelationId_completesOldestJobOfThatId() {
        CompletableFuture<Result> first = replies.expect("corr-a", "job-1", Duration.ofSeconds(5));
        CompletableFuture<Result> second = replies.expect("corr-b", "job-1", Duration.ofSeconds(5));

        deliver(result("job-1"), null);
        replies.runOnce(Duration.ZERO);

        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
    }

    @Test
    void runOnce_duplicateResult_keepsFirst() {
        CompletableFuture<Result> f = replies.expect("corr-a", "job-1", Duration.ofSeconds(5));
        deliver(result("job-1"), "corr-a");
        deliver(new Result(1, "job-1", Status.FAILED, List.of(), null, null, null, null, null), "corr-a");

        replies.runOnce(Duration.ZERO);

        assertThat(f.join().status()).isEqualTo(Status.SUCCEEDED);
    }

    @Test
    void runOnce_recordThatIsNotAResult_skipsItAndKeepsWaiting() {
        CompletableFuture<Result> f = replies.expect("corr-a", "job-1", Duration.ofSeconds(5));
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset++, "x", "not json".getBytes(StandardCharsets.UTF_8)));

        replies.runOnce(Duration.ZERO);
        deliver(result("job-1"), "corr-a");
        replies.runOnce(Duration.ZERO);

        assertThat(f).isCompleted();
    }

    @Test
    void runOnce_pastDeadline_failsWithTimeoutNamingJobAndTopic() {
        CompletableFuture<Result> f = replies.expect("corr-a", "job-7", Duration.ofSeconds(5));
        clock.addAndGet(Duration.ofSeconds(4).toNanos());
        replies.runOnce(Duration.ZERO);
        assertThat(f).isNotDone();

        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        replies.runOnce(Duration.ZERO);

        assertThat(f).isCompletedExceptionally();
        assertThat(f.handle((r, e) -> e).join())
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("job-7").hasMessageContaining("replies").hasMessageContaining("5000 ms");
        assertThat(replies.waiting()).isZero();
    }

    @Test
    void expect_callerCancels_freesItsPlace() {
        CompletableFuture<Result> f = replies.expect("corr-a", "job-1", Duration.ofSeconds(5));

        f.cancel(false);

        assertThat(replies.waiting()).isZero();
    }

    @Test
    void run_stopped_failsEveryWaitingJobAndClosesConsumer() {
        CompletableFuture<Result> f = replies.expect("corr-a", "job-1", Duration.ofSeconds(5));

        replies.stop();
        replies.run();

        assertThat(f.handle((r, e) -> e).join()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void expect_afterStop_failsAtOnce() {
        replies.stop();

        CompletableFuture<Result> f = replies.expect("corr-a", "job-1", Duration.ofSeconds(5));

        assertThat(f).isCompletedExceptionally();
        assertThat(replies.waiting()).isZero();
    }

    private static Result result(String jobId) {
        return new Result(1, jobId, Status.SUCCEEDED, List.of(), null, null, null, null, null);
    }

    private void deliver(Result r, String correlationId) {
        ConsumerRecord<String, byte[]> rec = new ConsumerRecord<>(TOPIC, 0, offset++, r.jobId(), codec.encode(r));
        if (correlationId != null) {
            rec.headers().add(Headers.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        }
        consumer.addRecord(rec);
    }
}
