package io.imagefleet.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultCodecTest {
    private final ResultCodec codec = new ResultCodec();

    @Test
    void encode_failedResult_writesDesignFields() {
        Result r = new Result(1, "photo-123", Status.FAILED, List.of(), null,
                new Result.Timings(3, 2, 0, 0, 0, 0, 0, 0, 2), new Result.WorkerInfo("host-a/slot-1", 1),
                Result.ErrorInfo.of(ErrorCode.IMAGE_TOO_LARGE, "too big"), Map.of("user", "42"));

        String json = new String(codec.encode(r), StandardCharsets.UTF_8);

        assertThat(json)
                .contains("\"status\":\"failed\"")
                .contains("\"error\":{\"code\":\"IMAGE_TOO_LARGE\",\"message\":\"too big\",\"retryable\":false}")
                .contains("\"worker\":{\"id\":\"host-a/slot-1\",\"attempt\":1}")
                .contains("\"metadata\":{\"user\":\"42\"}")
                .doesNotContain("\"source\"");
    }

    @Test
    void decode_designExample_readsOutputsAndTimings() {
        String json = """
                {"v":1,"jobId":"photo-123","status":"succeeded",
                 "outputs":[{"name":"thumb","uri":"file:///data/out/photo-123-thumb.jpg","format":"jpeg",
                             "width":256,"height":171,"bytes":14233,"sha256":"ab"}],
                 "source":{"format":"jpeg","width":4000,"height":3000,"bytes":2345678},
                 "timings":{"queuedMs":3,"fetchMs":2,"decodeMs":41,"processMs":9,"encodeMs":5,"storeMs":1,"totalMs":61},
                 "worker":{"id":"host-a/slot-1","attempt":1},"metadata":{"user":"42"},"later":true}
                """;

        Result r = codec.decode(json.getBytes(StandardCharsets.UTF_8));

        assertThat(r.succeeded()).isTrue();
        assertThat(r.outputs()).singleElement().satisfies(o -> {
            assertThat(o.format()).isEqualTo(Format.JPEG);
            assertThat(o.width()).isEqualTo(256);
            assertThat(o.height()).isEqualTo(171);
        });
        assertThat(r.source().width()).isEqualTo(4000);
        assertThat(r.timings().decodeMs()).isEqualTo(41);
        assertThat(r.timings().totalMs()).isEqualTo(61);
    }

    @Test
    void encode_thenDecode_roundTrips() {
        Result r = new Result(1, "a", Status.SUCCEEDED,
                List.of(new Result.OutputResult("t", "file:///o/a-t.png", Format.PNG, 10, 20, 300, "00ff")),
                new Result.SourceInfo("jpeg", 100, 200, 4000L, 1), new Result.Timings(1, 2, 3, 4, 5, 6, 7, 8, 35),
                new Result.WorkerInfo("h/slot-0", 2), null, null);

        assertThat(codec.decode(codec.encode(r))).isEqualTo(r);
    }

    @Test
    void encode_warningsAndVersion_roundTripAndEmptyWarningsAreOmitted() {
        Result r = new Result(1, "a", Status.SUCCEEDED, List.of(), null, null,
                new Result.WorkerInfo("h/slot-0", 1, "0.2.0"), null, null, List.of("colour profile ignored: LCMS error 13"));
        Result plain = new Result(1, "b", Status.SUCCEEDED, List.of(), null, null, new Result.WorkerInfo("h/slot-0", 1), null, null);

        assertThat(codec.decode(codec.encode(r))).isEqualTo(r);
        assertThat(new String(codec.encode(plain), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("warnings").doesNotContain("version");
    }
}
