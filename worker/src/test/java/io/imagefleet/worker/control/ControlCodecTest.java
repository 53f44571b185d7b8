package io.imagefleet.worker.control;

import io.imagefleet.worker.recycle.RecycleReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ControlCodecTest {
    private final ControlCodec codec = new ControlCodec();

    @Test
    void encode_everyMessage_readsBackEqualFromOneLine() {
        JobRef job = new JobRef("imagefleet.jobs", 2, 41, "photo-1");
        List<ControlMessage> all = List.of(
                new ControlMessage.Hello(123),
                new ControlMessage.Assignment(PartitionChange.ASSIGNED, List.of("jobs-0"), List.of("jobs-0", "jobs-1")),
                new ControlMessage.JobStarted(job),
                new ControlMessage.JobEnded(job, JobOutcome.ANSWERED),
                new ControlMessage.Committed(Map.of("imagefleet.jobs-2", 42L)),
                new ControlMessage.RecycleRequest(RecycleReason.MAX_JOBS, "1000 jobs done (limit 1000)"),
                new ControlMessage.Exiting(75, 1000, 300L << 20, 90L << 20, 150L << 20),
                new ControlMessage.Heartbeat(120, LoopState.RUNNING, 2, true),
                new ControlMessage.Metrics("# TYPE up gauge\nup{a=\"b\"} 1.0\n"),
                new ControlMessage.Prepare(3),
                new ControlMessage.Go(3),
                new ControlMessage.Suspects(List.of(new ControlMessage.Suspect(job, 2, true, "slot-0 exit 3 (out of memory)"))),
                new ControlMessage.RecycleGrant());

        for (ControlMessage m : all) {
            String line = codec.encode(m);
            assertThat(line).doesNotContain("\n").startsWith("{\"type\":");
            assertThat(codec.decode(line)).contains(m);
        }
    }

    @Test
    void decode_unknownTypeOrStrayOutput_isEmptyNotAnError() {
        assertThat(codec.decode("{\"type\":\"metrics-snapshot\",\"meters\":[]}")).isEmpty();
        assertThat(codec.decode("Picked up JAVA_TOOL_OPTIONS: -Xss1m")).isEmpty();
        assertThat(codec.decode("{not json")).isEmpty();
        assertThat(codec.decode("")).isEmpty();
    }

    @Test
    void decode_newerFieldsOnAKnownType_areIgnored() {
        assertThat(codec.decode("{\"type\":\"go\",\"slot\":1,\"since\":\"later\"}")).contains(new ControlMessage.Go(1));
    }

    @Test
    void encode_outcomesAndChanges_keepTheirLowerCaseWireNames() {
        JobRef job = new JobRef("jobs", 0, 7, "a");

        String ended = codec.encode(new ControlMessage.JobEnded(job, JobOutcome.ABANDONED));
        String revoked = codec.encode(new ControlMessage.Assignment(PartitionChange.REVOKED, List.of("jobs-0"), List.of()));

        assertThat(ended).contains("\"outcome\":\"abandoned\"");
        assertThat(revoked).contains("\"change\":\"revoked\"");
        assertThat(codec.decode("{\"type\":\"assignment\",\"change\":\"lost\",\"partitions\":[],\"now\":[]}"))
                .contains(new ControlMessage.Assignment(PartitionChange.LOST, List.of(), List.of()));
    }

    @ParameterizedTest
    @EnumSource(RecycleReason.class)
    void encode_eachRecycleReason_isItsWireNameAndReadsBack(RecycleReason reason) {
        ControlMessage.RecycleRequest request = new ControlMessage.RecycleRequest(reason, "why");

        String line = codec.encode(request);

        assertThat(line).isEqualTo("{\"type\":\"recycle-request\",\"reason\":\"" + reason.wireName()
                + "\",\"detail\":\"why\"}");
        assertThat(codec.decode(line)).contains(request);
    }

    @Test
    void encode_recycleReasons_keepTheWireNamesTheyHadAsStrings() {
        assertThat(java.util.Arrays.stream(RecycleReason.values()).map(RecycleReason::wireName))
                .containsExactly("max-jobs", "heap", "rss", "age", "stuck-job", "unknown");
    }

    @Test
    void decode_recycleReasonNotKnown_readsAsUnknownNotAnError() {
        assertThat(codec.decode("{\"type\":\"recycle-request\",\"reason\":\"cosmic-ray\",\"detail\":\"a bit flipped\"}"))
                .contains(new ControlMessage.RecycleRequest(RecycleReason.UNKNOWN, "a bit flipped"));
        assertThat(codec.decode("{\"type\":\"recycle-request\",\"detail\":\"no reason given\"}"))
                .contains(new ControlMessage.RecycleRequest(RecycleReason.UNKNOWN, "no reason given"));
    }

    @ParameterizedTest
    @EnumSource(LoopState.class)
    void encode_eachLoopState_isItsLowerCaseNameAndReadsBack(LoopState state) {
        ControlMessage.Heartbeat beat = new ControlMessage.Heartbeat(15, state, 3, true);

        String line = codec.encode(beat);

        assertThat(line).contains("\"state\":\"" + state.name().toLowerCase(java.util.Locale.ROOT) + "\"");
        assertThat(codec.decode(line)).contains(beat);
    }

    @Test
    void decode_loopStateNotKnown_readsAsUnknownNotAnError() {
        assertThat(codec.decode("{\"type\":\"heartbeat\",\"pollAgeMs\":5,\"state\":\"hibernating\",\"partitions\":2,"
                + "\"joined\":true}"))
                .contains(new ControlMessage.Heartbeat(5, LoopState.UNKNOWN, 2, true));
    }

    @Test
    void encode_heartbeat_isTheLineTheSupervisorHasAlwaysRead() {
        assertThat(codec.encode(new ControlMessage.Heartbeat(120, LoopState.DRAINING, 2, false)))
                .isEqualTo("{\"type\":\"heartbeat\",\"pollAgeMs\":120,\"state\":\"draining\",\"partitions\":2,"
                        + "\"joined\":false}");
    }
}
