package io.imagefleet.worker.control;

import org.junit.jupiter.api.Test;

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
                new ControlMessage.RecycleRequest("max-jobs", "1000 jobs done (limit 1000)"),
                new ControlMessage.Exiting(75, 1000, 300L << 20, 90L << 20, 150L << 20),
                new ControlMessage.Heartbeat(120, "running", 2, true),
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
}
