package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("jobs", 0);
    private static final TopicPartition P1 = new TopicPartition("jobs", 1);

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void committable_outOfOrderFinish_advancesOnlyOverContiguousRun() {
        for (long o = 10; o < 15; o++) {
            tracker.track(P0, o);
        }
        tracker.finish(P0, 12);
        tracker.finish(P0, 13);

        assertThat(tracker.committable()).hasEntrySatisfying(P0, om -> {
            assertThat(om.offset()).as("held at the first unfinished offset").isEqualTo(10);
            assertThat(OffsetTracker.decode(om)).as("the finished ones above it").containsExactlyInAnyOrder(12L, 13L);
        });

        tracker.finish(P0, 10);
        assertThat(tracker.committable()).hasEntrySatisfying(P0, om -> {
            assertThat(om.offset()).isEqualTo(11);
            assertThat(OffsetTracker.decode(om)).containsExactlyInAnyOrder(12L, 13L);
        });

        tracker.finish(P0, 11);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(14)));
    }

    @Test
    void committable_afterCommitted_onlyReportsMovedPartitions() {
        tracker.track(P0, 0);
        tracker.track(P1, 0);
        tracker.finish(P0, 0);
        tracker.finish(P1, 0);
        tracker.committed(tracker.committable());
        tracker.track(P1, 1);
        tracker.finish(P1, 1);

        assertThat(tracker.committable()).containsExactly(Map.entry(P1, new OffsetAndMetadata(2)));
    }

    @Test
    void finish_forgottenPartition_isIgnored() {
        tracker.track(P0, 5);
        tracker.forget(List.of(P0));

        tracker.finish(P0, 5);

        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.unfinished()).isZero();
    }

    @Test
    void unfinished_countsTakenNotFinished() {
        tracker.track(P0, 1);
        tracker.track(P0, 2);
        tracker.track(P1, 7);
        tracker.finish(P0, 2);

        assertThat(tracker.unfinished(P0)).isEqualTo(1);
        assertThat(tracker.unfinished()).isEqualTo(2);
    }

    @Test
    void committable_offsetsWithGaps_commitsPastLastFinished() {
        tracker.track(P0, 3);
        tracker.track(P0, 7);
        tracker.finish(P0, 3);
        tracker.finish(P0, 7);

        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(8)));
    }

    /**
     * A partition's new owner that took only part of what its previous owner had answered above
     * the position, and stopped, must hand on the rest of that list: otherwise the owner after it
     * answers those jobs again.
     */
    @Test
    void committable_afterResumeWithAnswersNotYetReached_keepsThemInTheMetadata() {
        OffsetAndMetadata left = new OffsetAndMetadata(20, OffsetTracker.encode(20, List.of(21L, 24L, 25L)));
        OffsetTracker next = new OffsetTracker();
        next.resume(P0, left);
        next.track(P0, 20);
        next.track(P0, 21);
        next.track(P0, 22);
        next.finish(P0, 20);
        assertThat(next.answeredBefore(P0, 21)).isTrue();
        next.finish(P0, 21);

        OffsetAndMetadata now = next.committable().get(P0);

        assertThat(now.offset()).isEqualTo(22);
        assertThat(OffsetTracker.decode(now)).containsExactlyInAnyOrder(24L, 25L);
        OffsetTracker idle = new OffsetTracker();
        idle.resume(P0, left);
        assertThat(idle.committable()).as("nothing taken: nothing to commit").isEmpty();
    }

    @Test
    void answeredBefore_offsetsNamedInTheCommittedMetadata_areSkippedOnceByTheNextOwner() {
        OffsetAndMetadata left = new OffsetAndMetadata(20, OffsetTracker.encode(20, List.of(21L, 24L)));
        OffsetTracker next = new OffsetTracker();

        next.resume(P0, left);

        assertThat(next.answeredBefore(P0, 20)).isFalse();
        assertThat(next.answeredBefore(P0, 21)).isTrue();
        assertThat(next.answeredBefore(P0, 21)).as("once").isFalse();
        assertThat(next.answeredBefore(P0, 24)).isTrue();
        assertThat(next.answeredBefore(P1, 21)).isFalse();
    }

    @Test
    void decode_metadataWrittenBySomeoneElse_namesNothing() {
        assertThat(OffsetTracker.decode(new OffsetAndMetadata(5, "spring-was-here"))).isEmpty();
        assertThat(OffsetTracker.decode(new OffsetAndMetadata(5, OffsetTracker.METADATA_PREFIX + "!!"))).isEmpty();
    }

    @Test
    void encode_thousandsOfOffsets_fitsKafkasMetadataLimit() {
        List<Long> many = new java.util.ArrayList<>();
        for (long o = 1; o < 100_000; o += 2) {
            many.add(o);
        }

        String text = OffsetTracker.encode(0, many);

        assertThat(text.length()).isLessThanOrEqualTo(4096);
        assertThat(OffsetTracker.decode(new OffsetAndMetadata(0, text))).isNotEmpty().isSubsetOf(many);
    }
}
