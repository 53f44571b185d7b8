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

        assertThat(tracker.committable()).isEmpty();

        tracker.finish(P0, 10);
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, new OffsetAndMetadata(11)));

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
}
