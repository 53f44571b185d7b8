package io.imagefleet.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JobBuilderTest {
    private final JobCodec codec = new JobCodec();

    @Test
    void build_docsExample_equalsTheDecodedExample() throws Exception {
        String docs = """
                {"v":1,"id":"photo-123","source":"file:///data/in/cat.jpg",
                 "outputs":[{"name":"thumb","ops":[{"op":"resize","width":256,"height":256,"fit":"inside"}],
                             "format":"jpeg","quality":85,"target":"file:///data/out/"}],
                 "replyTo":"imagefleet.results","metadata":{"user":"42"}}""";

        Job built = Job.builder("photo-123", "file:///data/in/cat.jpg")
                .output(OutputSpec.builder("thumb").resize(256, 256).format(Format.JPEG).quality(85)
                        .target("file:///data/out/").build())
                .replyTo("imagefleet.results")
                .metadata(Map.of("user", "42"))
                .build();

        assertThat(built).isEqualTo(codec.decode(docs.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void build_presetOutputWithExpiry_roundTripsThroughTheCodec() throws Exception {
        Job built = Job.builder("p-1", "s3://in/a.png")
                .output(OutputSpec.preset("thumb").target("s3://out/").build())
                .output(OutputSpec.builder("full").format(Format.WEBP).lossless(true).keep(Keep.ICC)
                        .uri("https://store.example/full.webp?sig=1").animation(Animation.KEEP).build())
                .expiresAt(Instant.parse("2026-12-06T10:00:00Z"))
                .autoOrient(false)
                .build();

        Job decoded = codec.decode(codec.encode(built));

        assertThat(decoded).isEqualTo(built);
        assertThat(decoded.outputs().get(0).name()).isEqualTo("thumb");
        assertThat(decoded.outputs().get(1).keep()).isEqualTo(List.of(Keep.ICC));
        assertThat(decoded.expiry()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
    }
}
