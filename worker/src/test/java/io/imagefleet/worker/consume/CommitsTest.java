package io.imagefleet.worker.consume;

import io.imagefleet.worker.config.RetryPolicy;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommitsTest {
    private static final TopicPartition P0 = new TopicPartition("jobs", 0);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final OffsetTracker offsets = new OffsetTracker();
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final Map<PartitionRef, Long> heard = new HashMap<>();
    private final LoopListener listener = new LoopListener() {
        @Override
        public void committed(Map<PartitionRef, Long> positions) {
            heard.putAll(positions);
        }
    };
    private final Commits commits = commits();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void commit_syncFinishedOffsets_committedAndToldAsPartitionRefs() {
        finish(0, 1);

        commits.commit(offsets.committable(), true);

        assertThat(outbox.committed).singleElement().satisfies(m -> assertThat(m.get(P0).offset()).isEqualTo(2));
        assertThat(heard).containsExactly(Map.entry(new PartitionRef("jobs", 0), 2L));
        assertThat(offsets.committable()).as("nothing new since the commit").isEmpty();
    }

    @Test
    void commit_nothingFinished_doesNotCallTheOutbox() {
        commits.commit(offsets.committable(), true);
        commits.commit(offsets.committable(), false);

        assertThat(outbox.committed).isEmpty();
        assertThat(heard).isEmpty();
    }

    @Test
    void commit_asyncFails_isNotThrownAndTheSamePositionsStayCommittable() {
        finish(0);
        outbox.failure = new KafkaException("coordinator not available");

        commits.commit(offsets.committable(), false);

        assertThat(heard).isEmpty();
        assertThat(offsets.committable()).containsOnlyKeys(P0);
    }

    @Test
    void commit_syncFails_throwsForTheCallerToDecide() {
        finish(0);
        outbox.failure = new KafkaException("coordinator not available");

        assertThatThrownBy(() -> commits.commit(offsets.committable(), true)).isSameAs(outbox.failure);
        assertThat(heard).isEmpty();
    }

    @Test
    void commitNow_failsWithARetriableError_isLoggedNotThrown() {
        finish(0);
        outbox.failure = new KafkaException("request timed out");

        commits.commitNow();

        assertThat(offsets.committable()).as("left for the next interval's commit").containsOnlyKeys(P0);
    }

    @Test
    void commitNow_producerFenced_isThrown() {
        finish(0);
        outbox.failure = new ProducerFencedException("a newer producer with this transactional.id");

        assertThatThrownBy(commits::commitNow).isInstanceOf(ProducerFencedException.class);
    }

    @Test
    void resume_previousOwnerAnsweredAboveItsPosition_thoseOffsetsAreAnsweredBefore() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
        consumer.assign(List.of(P0));
        consumer.commitSync(Map.of(P0, new OffsetAndMetadata(5, OffsetTracker.encode(5, List.of(7L)))));

        commits.resume(consumer, Set.of(P0));

        assertThat(offsets.answeredBefore(P0, 7)).isTrue();
        assertThat(offsets.answeredBefore(P0, 6)).isFalse();
    }

    private void finish(long... taken) {
        for (long o : taken) {
            offsets.track(P0, o);
            offsets.finish(P0, o);
        }
    }

    private Commits commits() {
        Mailbox mailbox = new Mailbox();
        Sending sending = new Sending(outbox, new Replies("results", "dlq"),
                new ReplyTopics(TopicCheck.TRUST, mailbox, Set.of("results"), CLOCK::millis), new InFlight(), offsets,
                mailbox, timer, new AnswerPolicy(RetryPolicy.DEFAULT, () -> 0.5), CLOCK, listener);
        return new Commits(outbox, offsets, sending, listener);
    }

    /** An outbox that records commits, and fails them with {@link #failure} when one is set. */
    private static final class RecordingOutbox implements Outbox {
        final List<Map<TopicPartition, OffsetAndMetadata>> committed = new ArrayList<>();
        KafkaException failure;

        @Override
        public void send(Outgoing unit, Consumer<Event.Sent> sent) {
            throw new UnsupportedOperationException("commits send nothing");
        }

        @Override
        public void commit(Map<TopicPartition, OffsetAndMetadata> positions) {
            if (failure != null) {
                throw failure;
            }
            committed.add(Map.copyOf(positions));
        }

        @Override
        public void close(Duration timeout) {
        }
    }
}
