package io.imagefleet.wire;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobCodecTest {
    private static final String VALID = """
            {"v":1,"id":"photo-123","source":"file:///data/in/cat.jpg",
             "outputs":[{"name":"thumb","ops":[{"op":"resize","width":256,"height":256,"fit":"inside"}],
                         "format":"jpeg","quality":85,"target":"file:///data/out/"}],
             "replyTo":"imagefleet.results","metadata":{"user":"42"}}
            """;

    private final JobCodec codec = new JobCodec();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decode_designExample_readsEveryField() throws Exception {
        Job job = codec.decode(utf8(VALID));

        assertThat(job.v()).isEqualTo(1);
        assertThat(job.id()).isEqualTo("photo-123");
        assertThat(job.source()).isEqualTo("file:///data/in/cat.jpg");
        assertThat(job.replyTo()).isEqualTo("imagefleet.results");
        assertThat(job.metadata()).containsEntry("user", "42");
        assertThat(job.autoOrient()).isTrue();
        OutputSpec out = job.outputs().get(0);
        assertThat(out.name()).isEqualTo("thumb");
        assertThat(out.format()).isEqualTo(Format.JPEG);
        assertThat(out.quality()).isEqualTo(85);
        assertThat(out.target()).isEqualTo("file:///data/out/");
        assertThat(out.ops()).containsExactly(new Op.Resize(256, 256, Fit.INSIDE, Gravity.CENTER, false));
    }

    @Test
    void decode_everyOperation_readsEachKind() throws Exception {
        String json = """
                {"v":1,"id":"a","source":"https://example.com/a.png","outputs":[{"name":"x","format":"png",
                 "target":"file:///out/","ops":[
                  {"op":"resize","width":100,"fit":"cover","height":50,"upscale":true},
                  {"op":"crop","width":10,"height":20,"gravity":"northeast"},
                  {"op":"crop","x":1,"y":2,"width":3,"height":4},
                  {"op":"rotate","degrees":270},
                  {"op":"flip","direction":"vertical"},
                  {"op":"grayscale"},
                  {"op":"blur","sigma":2.5},
                  {"op":"sharpen"}]}]}
                """;

        Job job = codec.decode(utf8(json));

        assertThat(job.outputs().get(0).ops()).containsExactly(
                new Op.Resize(100, 50, Fit.COVER, Gravity.CENTER, true),
                new Op.Crop(null, null, 10, 20, Gravity.NORTHEAST),
                new Op.Crop(1, 2, 3, 4, Gravity.CENTER),
                new Op.Rotate(270),
                new Op.Flip(FlipDirection.VERTICAL),
                new Op.Grayscale(),
                new Op.Blur(2.5),
                new Op.Sharpen(1.0));
    }

    @Test
    void encode_thenDecode_roundTrips() throws Exception {
        Job job = Job.of("j-1", "file:///in/a.jpg", List.of(
                        new OutputSpec("thumb", List.of(Op.Resize.inside(64, 64), new Op.Rotate(90)), Format.PNG, null,
                                "file:///out/", null, null, "#000000"),
                        OutputSpec.of("big", List.of(new Op.Crop(null, null, 5, 5, Gravity.SOUTH)), Format.JPEG, 70,
                                "file:///out/")))
                .withReplyTo("replies")
                .withMetadata(Map.of("k", List.of(1, 2)));

        Job back = codec.decode(codec.encode(job));

        assertThat(back).isEqualTo(job);
    }

    @Test
    void encode_thenDecode_newFields_roundTrip() throws Exception {
        Job job = Job.of("j-2", "s3://photos/in/a.jpg", List.of(
                        OutputSpec.toUri("exact", List.of(), Format.AVIF, 60, "https://b.s3.example.com/k/a.avif?X-Amz-Signature=ab")
                                .withAnimation(Animation.KEEP).withKeep(List.of(Keep.ICC, Keep.COPYRIGHT)),
                        new OutputSpec(null, null, null, null, "s3://photos/out/", null, null, null, null, null, null, "thumb")))
                .withExpiresAt(java.time.Instant.parse("2026-12-06T10:00:00Z"));

        Job back = codec.decode(codec.encode(job));

        assertThat(back).isEqualTo(job);
        assertThat(back.outputs().get(1).name()).isEqualTo("thumb");
        assertThat(back.expiry()).isEqualTo(java.time.Instant.parse("2026-12-06T10:00:00Z"));
    }

    @Test
    void decode_expiresAtWithOffset_isAnInstant() throws Exception {
        Job job = codec.decode(utf8(VALID.replace("\"v\":1,", "\"v\":1,\"expiresAt\":\"2026-12-06T11:00:00+01:00\",")));

        assertThat(job.expiry()).isEqualTo(java.time.Instant.parse("2026-12-06T10:00:00Z"));
    }

    @Test
    void topicRule_kafkaLegalNames_areAccepted() {
        assertThat(JobCodec.topicRule("imagefleet.results")).isNull();
        assertThat(JobCodec.topicRule("a..b")).isNull();
        assertThat(JobCodec.topicRule("_private")).isNull();
    }

    @Test
    void decode_unknownFields_areIgnored() throws Exception {
        String json = VALID.replace("\"v\":1,", "\"v\":1,\"future\":{\"x\":[1,2]},");

        assertThat(codec.decode(utf8(json)).id()).isEqualTo("photo-123");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            v 2                    | "v":1                          | "v":2                          | v must be 1, got 2
            v missing              | "v":1,                         | ''                             | v is required
            v as string            | "v":1                          | "v":"1"                        | v must be 1, got "1"
            id missing             | "id":"photo-123",              | ''                             | id is required
            id bad chars           | "id":"photo-123"               | "id":"a/b"                     | id must be 1-128 of [A-Za-z0-9._-], got 'a/b'
            id a number            | "id":"photo-123"               | "id":5                         | id must be a string
            source missing         | "source":"file:///data/in/cat.jpg", | ''                        | source is required
            source not a URI       | "source":"file:///data/in/cat.jpg"  | "source":"a b c"          | source must be a URI
            source relative        | "source":"file:///data/in/cat.jpg"  | "source":"cat.jpg"        | source must be an absolute URI
            outputs empty          | "outputs":[{                   | "outputs":[],"x":[{            | outputs must hold 1-16 outputs, got 0
            quality 0              | "quality":85                   | "quality":0                    | outputs[0].quality must be between 1 and 100, got 0
            quality text           | "quality":85                   | "quality":"high"               | outputs[0].quality must be a whole number
            quality fraction       | "quality":85                   | "quality":85.5                 | outputs[0].quality must be a whole number
            format unknown         | "format":"jpeg"                | "format":"jxl"                 | outputs[0].format must be one of jpeg, png, gif, bmp, tiff, webp, avif, got 'jxl'
            format missing         | "format":"jpeg",               | ''                             | outputs[0].format is required
            target missing         | ,"target":"file:///data/out/"  | ''                             | outputs[0] needs a target (a prefix the output is stored under) or a uri
            target and uri         | "target":"file:///data/out/"   | "target":"file:///data/out/","uri":"https://b.example/k.jpg" | outputs[0] must give either target (a prefix) or uri (an exact object), not both
            preset with format     | "name":"thumb"                 | "preset":"thumb"               | outputs[0] names preset 'thumb', which brings its own ops, format and quality
            animation unknown      | "format":"jpeg"                | "format":"jpeg","animation":"all" | outputs[0].animation must be one of first, keep, got 'all'
            keep unknown           | "format":"jpeg"                | "format":"jpeg","keep":["exif"] | outputs[0].keep[0] must be one of icc, copyright, got 'exif'
            replyTo dot dot        | "replyTo":"imagefleet.results" | "replyTo":".."                 | replyTo must not be '.' or '..'
            replyTo dot            | "replyTo":"imagefleet.results" | "replyTo":"."                  | replyTo must not be '.' or '..'
            replyTo internal       | "replyTo":"imagefleet.results" | "replyTo":"__consumer_offsets" | replyTo must not name an internal topic
            expiresAt no offset    | "v":1,                         | "v":1,"expiresAt":"2026-12-06T10:00:00", | expiresAt must be an RFC 3339 time with an offset
            expiresAt a number     | "v":1,                         | "v":1,"expiresAt":5,           | expiresAt must be a string
            name bad               | "name":"thumb"                 | "name":"../x"                  | outputs[0].name must be 1-64 of [A-Za-z0-9._-], got '../x'
            op unknown             | "op":"resize"                  | "op":"sepia"                   | outputs[0].ops[0].op must be one of resize, crop, rotate, flip, grayscale, blur, sharpen, got 'sepia'
            width zero             | "width":256                    | "width":0                      | outputs[0].ops[0].width must be between 1 and 65500, got 0
            width huge             | "width":256                    | "width":70000                  | outputs[0].ops[0].width must be between 1 and 65500, got 70000
            resize no size         | "width":256,"height":256,      | ''                             | outputs[0].ops[0] needs width or height
            fit unknown            | "fit":"inside"                 | "fit":"contain"                | outputs[0].ops[0].fit must be one of inside, cover, fill, exact, got 'contain'
            replyTo bad            | "replyTo":"imagefleet.results" | "replyTo":"a topic"            | replyTo must be a topic name
            metadata too big       | "metadata":{"user":"42"}       | "metadata":{"user":"%s"}       | metadata must be at most 4096 bytes as JSON
            duplicate key          | "v":1,                         | "v":1,"v":1,                   | not valid JSON: Duplicate field 'v'
            """)
    void decode_invalid_namesFieldAndRule(String title, String from, String to, String expected) {
        String json = VALID.replace(from, to.formatted("x".repeat(5000)));
        assertThat(json).as("test input changed").isNotEqualTo(VALID);

        assertThatThrownBy(() -> codec.decode(utf8(json)))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith(expected);
    }

    @Test
    void decode_invalidWithGoodId_keepsIdAndReplyTo() {
        String json = VALID.replace("\"quality\":85", "\"quality\":500");

        assertThatThrownBy(() -> codec.decode(utf8(json)))
                .isInstanceOfSatisfying(InvalidJobException.class, e -> {
                    assertThat(e.jobId()).contains("photo-123");
                    assertThat(e.replyTo()).contains("imagefleet.results");
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_JOB);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''                 | the record is empty
            not json           | not valid JSON
            [1,2]              | a job must be a JSON object
            {"v":1             | not valid JSON
            """)
    void decode_notAJob_saysSo(String text, String expected) {
        assertThatThrownBy(() -> codec.decode(utf8(text)))
                .isInstanceOfSatisfying(InvalidJobException.class, e -> {
                    assertThat(e).hasMessageStartingWith(expected);
                    assertThat(e.jobId()).isEmpty();
                });
    }

    @Test
    void decode_seventeenOutputs_isRejected() {
        String one = "{\"name\":\"n%d\",\"format\":\"png\",\"target\":\"file:///o/\"}";
        StringBuilder outs = new StringBuilder();
        for (int i = 0; i < 17; i++) {
            outs.append(i == 0 ? "" : ",").append(one.formatted(i));
        }
        String json = "{\"v\":1,\"id\":\"a\",\"source\":\"file:///a\",\"outputs\":[" + outs + "]}";

        assertThatThrownBy(() -> codec.decode(utf8(json))).hasMessage("outputs must hold 1-16 outputs, got 17");
    }

    @Test
    void decode_duplicateOutputNames_isRejected() {
        String json = "{\"v\":1,\"id\":\"a\",\"source\":\"file:///a\",\"outputs\":["
                + "{\"name\":\"n\",\"format\":\"png\",\"target\":\"file:///o/\"},"
                + "{\"name\":\"n\",\"format\":\"gif\",\"target\":\"file:///o/\"}]}";

        assertThatThrownBy(() -> codec.decode(utf8(json)))
                .hasMessage("outputs[1].name must be unique in the job, got 'n' twice");
    }

    @Test
    void decode_jpgAlias_isJpeg() throws Exception {
        Job job = codec.decode(utf8(VALID.replace("\"format\":\"jpeg\"", "\"format\":\"JPG\"")));

        assertThat(job.outputs().get(0).format()).isEqualTo(Format.JPEG);
    }

    /** A value as a schema-registry serializer writes it: magic byte, schema id of idBytes bytes, JSON. */
    private static byte[] framed(int magic, int idBytes, String json) {
        byte[] body = utf8(json);
        byte[] out = new byte[1 + idBytes + body.length];
        out[0] = (byte) magic;
        for (int i = 1; i <= idBytes; i++) {
            out[i] = (byte) (i == idBytes ? 42 : 0);
        }
        System.arraycopy(body, 0, out, 1 + idBytes, body.length);
        return out;
    }

    @Test
    void decode_confluentJsonSchemaFrame_readsTheJob() throws Exception {
        Job job = codec.decode(framed(0, 4, VALID));

        assertThat(job).isEqualTo(codec.decode(utf8(VALID)));
    }

    @Test
    void decode_apicurioEightByteIdFrame_readsTheJob() throws Exception {
        Job job = codec.decode(framed(0, 8, VALID));

        assertThat(job.id()).isEqualTo("photo-123");
    }

    @Test
    void decode_confluentGuidFrame_readsTheJob() throws Exception {
        Job job = codec.decode(framed(1, 16, VALID));

        assertThat(job.id()).isEqualTo("photo-123");
    }

    @Test
    void decode_framedInvalidJob_namesTheRuleAndKeepsTheId() {
        byte[] value = framed(0, 4, VALID.replace("\"quality\":85", "\"quality\":0"));

        assertThatThrownBy(() -> codec.decode(value)).isInstanceOf(InvalidJobException.class)
                .hasMessage("outputs[0].quality must be between 1 and 100, got 0")
                .satisfies(e -> assertThat(((InvalidJobException) e).jobId()).contains("photo-123"));
    }

    @Test
    void decode_registryFrameOverAvro_saysItIsNotJson() {
        byte[] avro = {0, 0, 0, 0, 7, 0x12, 'p', 'h', 'o', 't', 'o'};

        assertThatThrownBy(() -> codec.decode(avro)).isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("starts with byte 0x00, the magic byte a schema-registry serializer (Confluent, Apicurio)")
                .hasMessageContaining("not a job serialized as JSON (Avro or Protobuf?)");
    }

    @Test
    void decode_guidMagicByteWithoutJson_saysSo() {
        byte[] value = new byte[20];
        value[0] = 1;

        assertThatThrownBy(() -> codec.decode(value)).isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("starts with byte 0x01").hasMessageContaining("16-byte schema GUID");
    }

    @Test
    void decode_wholeNumberWrittenWithFraction_isThatNumber() throws Exception {
        Job job = codec.decode(utf8(VALID.replace("\"quality\":85", "\"quality\":85.0")
                .replace("\"width\":256", "\"width\":2.56e2")));

        assertThat(job.outputs().get(0).quality()).isEqualTo(85);
        assertThat(job.outputs().get(0).ops().get(0)).isEqualTo(new Op.Resize(256, 256, Fit.INSIDE, Gravity.CENTER, false));
    }

    @Test
    void decode_numberWithFractionWhereWholeBelongs_isRejected() {
        assertThatThrownBy(() -> codec.decode(utf8(VALID.replace("\"quality\":85", "\"quality\":85.5"))))
                .isInstanceOf(InvalidJobException.class).hasMessageContaining("quality");
    }

    @Test
    void decode_metadataNumbers_areEchoedAsWritten() throws Exception {
        Job job = codec.decode(utf8(VALID.replace("{\"user\":\"42\"}", "{\"ratio\":2.0}")));

        assertThat(job.metadata().get("ratio")).isEqualTo(2.0);
    }
}
