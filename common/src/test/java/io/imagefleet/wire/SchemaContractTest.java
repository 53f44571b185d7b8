package io.imagefleet.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published contract (schemas/job.v1.json, schemas/result.v1.json) and the code agree: the same
 * fixtures go to the schema (networknt's validator, formats asserted) and to {@link JobCodec}.
 * {@code valid/}: both accept. {@code invalid/}: both reject. {@code codec-only/}: the rules JSON Schema
 * cannot say (unique output names, metadata size), which the schema accepts and the codec rejects.
 * {@code tolerated/}: what the codec accepts but the schema does not promise (upper-case enum values,
 * explicit nulls, a time without seconds). Every example job in the docs must pass both.
 */
class SchemaContractTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path FIXTURES = Path.of("src/test/resources/contract/jobs");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema JOB = schema("job.v1.json");
    private static final Schema RESULT = schema("result.v1.json");

    private final JobCodec codec = new JobCodec();

    static Schema schema(String file) {
        try {
            String text = Files.readString(ROOT.resolve("schemas").resolve(file));
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema's complaints; formats (uri, date-time) are asserted, not just annotated. */
    static List<Error> schemaErrors(Schema schema, byte[] json) {
        try {
            return schema.validate(JSON.readTree(json), ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String codecError(byte[] json) {
        try {
            codec.decode(json);
            return null;
        } catch (InvalidJobException e) {
            return e.getMessage();
        }
    }

    static Stream<Path> fixtures(String kind) {
        try (Stream<Path> files = Files.list(FIXTURES.resolve(kind))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Path> valid() {
        return fixtures("valid");
    }

    static Stream<Path> invalid() {
        return fixtures("invalid");
    }

    static Stream<Path> codecOnly() {
        return fixtures("codec-only");
    }

    static Stream<Path> tolerated() {
        return fixtures("tolerated");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validFixture_schemaAndCodec_bothAccept(Path fixture) throws IOException {
        byte[] json = Files.readAllBytes(fixture);

        assertThat(schemaErrors(JOB, json)).as("schema errors").isEmpty();
        assertThat(codecError(json)).as("codec error").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidFixture_schemaAndCodec_bothReject(Path fixture) throws IOException {
        byte[] json = Files.readAllBytes(fixture);

        assertThat(schemaErrors(JOB, json)).as("schema errors").isNotEmpty();
        assertThat(codecError(json)).as("codec error").isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecOnly")
    void codecOnlyFixture_schemaAccepts_codecRejects(Path fixture) throws IOException {
        byte[] json = Files.readAllBytes(fixture);

        assertThat(schemaErrors(JOB, json)).as("schema errors").isEmpty();
        assertThat(codecError(json)).as("codec error").isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tolerated")
    void toleratedFixture_schemaRejects_codecAccepts(Path fixture) throws IOException {
        byte[] json = Files.readAllBytes(fixture);

        assertThat(schemaErrors(JOB, json)).as("schema errors").isNotEmpty();
        assertThat(codecError(json)).as("codec error").isNull();
    }

    @Test
    void docsExampleJobs_schemaAndCodec_bothAccept() throws IOException {
        List<String> jobs = docsJobs();

        assertThat(jobs).as("example jobs in README.md and docs/*.md").hasSizeGreaterThanOrEqualTo(5);
        for (String job : jobs) {
            byte[] json = job.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(schemaErrors(JOB, json)).as("schema errors for %s", job).isEmpty();
            assertThat(codecError(json)).as("codec error for %s", job).isNull();
        }
    }

    @Test
    void docsExampleResults_matchResultSchema() throws IOException {
        // The docs shorten hashes ("6410d1…"); a whole one stands in for it.
        List<String> results = docsExamples().stream().filter(j -> j.contains("\"jobId\""))
                .map(j -> j.replaceAll("\"sha256\":\"[0-9a-f]*(…|\\.\\.\\.)\"", "\"sha256\":\"" + "0".repeat(64) + "\""))
                .toList();

        assertThat(results).hasSizeGreaterThanOrEqualTo(2);
        for (String result : results) {
            assertThat(schemaErrors(RESULT, result.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .as("schema errors for %s", result).isEmpty();
        }
    }

    @Test
    void encodedResults_everyErrorCodeAndASuccess_matchResultSchema() {
        ResultCodec results = new ResultCodec();
        List<Result> all = new ArrayList<>();
        all.add(new Result(1, "photo-123", Status.SUCCEEDED,
                List.of(new Result.OutputResult("thumb", "file:///out/photo-123-thumb.jpg", Format.JPEG, 256, 171, 14233,
                        "0".repeat(64))),
                new Result.SourceInfo("jpeg", 4000, 3000, 2345678L, 1),
                new Result.Timings(3, 2, 1, 0, 41, 9, 5, 1, 59), new Result.WorkerInfo("host-a/slot-1", 1, "0.1.0"), null,
                Map.of("user", "42"), List.of("ignored an unusable ICC profile")));
        for (ErrorCode code : ErrorCode.values()) {
            all.add(new Result(1, "j", Status.FAILED, List.of(), null, null, new Result.WorkerInfo("h/slot-1", 2),
                    Result.ErrorInfo.of(code, "because"), null));
        }

        for (Result r : all) {
            assertThat(schemaErrors(RESULT, results.encode(r))).as("schema errors for %s", r).isEmpty();
        }
    }

    @Test
    void failedResultWithoutError_resultSchema_rejects() {
        byte[] json = "{\"v\":1,\"jobId\":\"j\",\"status\":\"failed\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(schemaErrors(RESULT, json)).isNotEmpty();
    }

    @Test
    void schemaEnums_matchTheCode() {
        JsonNode defs = JOB.getSchemaNode().get("$defs");
        assertThat(strings(defs.at("/format/enum")))
                .containsExactlyInAnyOrderElementsOf(concat(wireNames(Format.values()), List.of("jpg", "tif")));
        assertThat(strings(defs.at("/op/properties/op/enum")))
                .containsExactlyElementsOf(Arrays.asList(Op.NAMES.split(", ")));
        assertThat(strings(defs.at("/gravity/enum"))).containsExactlyInAnyOrderElementsOf(wireNames(Gravity.values()));
        assertThat(strings(defs.at("/op/allOf/0/then/properties/fit/enum")))
                .containsExactlyInAnyOrderElementsOf(wireNames(Fit.values()));
        assertThat(strings(defs.at("/output/properties/animation/enum")))
                .containsExactlyInAnyOrderElementsOf(wireNames(Animation.values()));
        assertThat(strings(defs.at("/output/properties/keep/items/enum")))
                .containsExactlyInAnyOrderElementsOf(wireNames(Keep.values()));
        assertThat(strings(defs.at("/op/allOf/3/then/properties/direction/enum")))
                .containsExactlyInAnyOrderElementsOf(wireNames(FlipDirection.values()));
        JsonNode result = RESULT.getSchemaNode();
        assertThat(strings(result.at("/properties/error/properties/code/enum")))
                .containsExactlyElementsOf(Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
        assertThat(strings(result.at("/properties/outputs/items/properties/format/enum")))
                .containsExactlyInAnyOrderElementsOf(wireNames(Format.values()));
    }

    @Test
    void schemaLimits_matchTheCode() {
        JsonNode s = JOB.getSchemaNode();
        assertThat(s.at("/properties/outputs/maxItems").asInt()).isEqualTo(JobCodec.MAX_OUTPUTS);
        assertThat(s.at("/$defs/output/properties/ops/maxItems").asInt()).isEqualTo(JobCodec.MAX_OPS);
        assertThat(s.at("/$defs/side/maximum").asInt()).isEqualTo(JobCodec.MAX_SIDE);
        assertThat(s.at("/$defs/uri/maxLength").asInt()).isEqualTo(JobCodec.MAX_URI_LENGTH);
        assertThat(s.at("/$defs/jobId/pattern").asText()).isEqualTo("^" + JobCodec.ID.pattern() + "$");
        assertThat(s.at("/properties/v/const").asInt()).isEqualTo(Job.VERSION);
    }

    private static List<String> strings(JsonNode array) {
        assertThat(array.isArray()).as("an enum at that path").isTrue();
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> wireNames(Enum<?>[] values) {
        return Arrays.stream(values).map(WireEnums::wireName).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    private static boolean isJob(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return n.has("id") && n.has("source") && n.has("outputs");
        } catch (IOException e) {
            throw new UncheckedIOException("an example in the docs is not JSON: " + json, e);
        }
    }

    /**
     * Every example job in README.md and docs/*.md: each JSON object that starts with {@code {"v":},
     * in a ```json block or inline (a kcat command line), and has an id, a source and outputs.
     */
    static List<String> docsJobs() throws IOException {
        List<String> out = new ArrayList<>();
        for (Path page : pages()) {
            String text = Files.readString(page);
            for (int at = text.indexOf("{\"v\":"); at >= 0; at = text.indexOf("{\"v\":", at + 1)) {
                String object = balancedObject(text, at);
                if (object != null && isJob(object) && !out.contains(object)) {
                    out.add(object);
                }
            }
        }
        return out;
    }

    /** The JSON object that starts at {@code from}, braces balanced outside strings; null if it never closes. */
    private static String balancedObject(String text, int from) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(from, i + 1);
            }
        }
        return null;
    }

    private static Set<Path> pages() throws IOException {
        Set<Path> pages = new LinkedHashSet<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Every ```json block of README.md and docs/*.md that is a JSON object. */
    static List<String> docsExamples() throws IOException {
        Set<Path> pages = pages();
        Pattern block = Pattern.compile("```json\\s*\\n(.*?)```", Pattern.DOTALL);
        List<String> out = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = block.matcher(Files.readString(page));
            while (m.find()) {
                String text = m.group(1).trim();
                if (text.startsWith("{")) {
                    out.add(text);
                }
            }
        }
        return out.stream().collect(Collectors.toList());
    }
}
