package io.imagefleet.wire;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes jobs as JSON (UTF-8). {@link #decode} checks every rule of the schema and
 * names the field path and the rule of the first one broken; unknown fields are ignored.
 * Thread-safe: one instance may be shared.
 */
public final class JobCodec {
    /** Job ids and output names: letters, digits, dot, underscore, hyphen. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    static final Pattern OUTPUT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    static final Pattern COLOUR = Pattern.compile("#[0-9A-Fa-f]{6}");
    public static final int MAX_OUTPUTS = 16;
    public static final int MAX_OPS = 32;
    public static final int MAX_SIDE = 65_500;
    public static final int MAX_METADATA_BYTES = 4096;
    static final int MAX_URI_LENGTH = 8192;

    private final ObjectMapper mapper = mapper();

    /** The mapper shared by the codecs: strict about types, lenient about unknown fields. */
    static ObjectMapper mapper() {
        JsonMapper m = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        // A number or a boolean where a string belongs is a mistake in the job, not a string.
        for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1 << 20).build());
        return m;
    }

    /** Encodes a job as UTF-8 JSON. */
    public byte[] encode(Job job) {
        try {
            return mapper.writeValueAsBytes(job);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes and checks a job; the exception's message names the field path and the rule. */
    public Job decode(byte[] bytes) throws InvalidJobException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidJobException("the record is empty; a job is a JSON object", null, null);
        }
        int start = registryFrame(bytes);
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes, start, bytes.length - start);
        } catch (JsonParseException e) {
            throw new InvalidJobException("not valid JSON: " + e.getOriginalMessage() + " at "
                    + e.getLocation().offsetDescription(), null, null);
        } catch (IOException e) {
            throw new InvalidJobException("not valid JSON: " + e.getMessage(), null, null);
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidJobException("a job must be a JSON object", null, null);
        }
        String id = textIf(tree.get("id"), ID);
        String replyTo = textIf(tree.get("replyTo"), TOPIC);
        if (replyTo != null && topicRule(replyTo) != null) {
            replyTo = null;
        }
        wholeNumbersAsIntegers((ObjectNode) tree);
        Job job;
        try {
            checkVersion(tree.get("v"));
            job = mapper.treeToValue(tree, Job.class);
            check(job);
        } catch (Rule broken) {
            throw new InvalidJobException(broken.getMessage(), id, replyTo);
        } catch (JsonProcessingException e) {
            throw new InvalidJobException(describe(e), id, replyTo);
        }
        return job;
    }

    /**
     * Why {@code topic} cannot be a topic a job's result is written to, or null when it can: the
     * rules Kafka applies to topic names, and no internal ({@code __}) topic.
     */
    public static String topicRule(String topic) {
        if (!TOPIC.matcher(topic).matches()) {
            return "must be a topic name of 1-249 of [A-Za-z0-9._-], got " + quote(topic);
        }
        if (topic.equals(".") || topic.equals("..")) {
            return "must not be '.' or '..' (Kafka refuses them), got " + quote(topic);
        }
        if (topic.startsWith("__")) {
            return "must not name an internal topic (starting with __), got " + quote(topic);
        }
        return null;
    }

    /**
     * Where the JSON starts: after the frame a schema-registry serializer writes before it, or at 0.
     * Confluent's JSON Schema serializer writes a magic byte 0 and a 4-byte schema id (Apicurio's
     * with {@code as-confluent} too), Apicurio's by default a magic byte 0 and an 8-byte global id,
     * Confluent's newer ones a magic byte 1 and a 16-byte schema GUID. A JSON text never starts
     * with either byte, so a frame is recognised by its magic byte and the JSON object after it.
     * (With the schema id in headers instead, the value is plain JSON and needs nothing.)
     */
    static int registryFrame(byte[] bytes) throws InvalidJobException {
        if (bytes[0] == 0) {
            for (int length : new int[] {5, 9}) {
                if (jsonObjectAt(bytes, length)) {
                    return length;
                }
            }
            throw new InvalidJobException("the value starts with byte 0x00, the magic byte a schema-registry serializer "
                    + "(Confluent, Apicurio) writes before a schema id, but no JSON object follows a 4-byte (Confluent) or "
                    + "8-byte (Apicurio) id: it is not a job serialized as JSON (Avro or Protobuf?). Publish the job as "
                    + "plain UTF-8 JSON, or with a JSON Schema serializer", null, null);
        }
        if (bytes[0] == 1) {
            if (jsonObjectAt(bytes, 17)) {
                return 17;
            }
            throw new InvalidJobException("the value starts with byte 0x01, the magic byte a Confluent serializer writes "
                    + "before a 16-byte schema GUID, but no JSON object follows it: it is not a job serialized as JSON. "
                    + "Publish the job as plain UTF-8 JSON, or with a JSON Schema serializer", null, null);
        }
        return 0;
    }

    private static boolean jsonObjectAt(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return false;
    }

    /**
     * JSON has one kind of number: {@code 256.0} is the whole number 256 to JSON Schema and to
     * most producers' JSON libraries, so it is read as one (outside the opaque metadata). A number
     * with a fraction stays one and fails where a whole number belongs.
     */
    private static void wholeNumbersAsIntegers(ObjectNode node) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getKey().equals("metadata")) {
                field.setValue(integral(field.getValue()));
            }
        }
    }

    private static JsonNode integral(JsonNode n) {
        if (n.isFloatingPointNumber()) {
            BigDecimal d = n.decimalValue();
            if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) {
                try {
                    long v = d.longValueExact();
                    return v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
                } catch (ArithmeticException tooLarge) {
                    return n;
                }
            }
            return n;
        }
        if (n.isObject()) {
            for (Map.Entry<String, JsonNode> field : n.properties()) {
                field.setValue(integral(field.getValue()));
            }
        } else if (n.isArray()) {
            ArrayNode a = (ArrayNode) n;
            for (int i = 0; i < a.size(); i++) {
                a.set(i, integral(a.get(i)));
            }
        }
        return n;
    }

    private static String textIf(JsonNode node, Pattern valid) {
        return node != null && node.isTextual() && valid.matcher(node.asText()).matches() ? node.asText() : null;
    }

    private static void checkVersion(JsonNode v) {
        if (v == null || v.isNull()) {
            throw new Rule("v is required (the schema version, " + Job.VERSION + ")");
        }
        if (!v.isInt() || v.asInt() != Job.VERSION) {
            throw new Rule("v must be " + Job.VERSION + ", got " + v);
        }
    }

    private void check(Job job) {
        require(job.id() != null, "id is required");
        require(ID.matcher(job.id()).matches(),
                "id must be 1-128 of [A-Za-z0-9._-], got " + quote(job.id()));
        require(job.source() != null, "source is required");
        checkUri("source", job.source());
        require(!job.outputs().isEmpty(), "outputs must hold 1-" + MAX_OUTPUTS + " outputs, got 0");
        require(job.outputs().size() <= MAX_OUTPUTS,
                "outputs must hold 1-" + MAX_OUTPUTS + " outputs, got " + job.outputs().size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < job.outputs().size(); i++) {
            checkOutput("outputs[" + i + "]", job.outputs().get(i), names);
        }
        if (job.replyTo() != null) {
            String topicRule = topicRule(job.replyTo());
            require(topicRule == null, "replyTo " + topicRule);
        }
        if (job.expiresAt() != null) {
            try {
                OffsetDateTime.parse(job.expiresAt(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            } catch (DateTimeParseException e) {
                throw new Rule("expiresAt must be an RFC 3339 time with an offset (2026-12-06T10:00:00Z), got "
                        + quote(job.expiresAt()));
            }
        }
        if (job.metadata() != null) {
            int size;
            try {
                size = mapper.writeValueAsBytes(job.metadata()).length;
            } catch (JsonProcessingException e) {
                throw new Rule("metadata is not serialisable: " + e.getOriginalMessage());
            }
            require(size <= MAX_METADATA_BYTES,
                    "metadata must be at most " + MAX_METADATA_BYTES + " bytes as JSON, got " + size);
        }
    }

    private static void checkOutput(String path, OutputSpec out, Set<String> names) {
        require(out != null, path + " must be an object");
        require(out.name() != null, path + ".name is required (or a preset, whose name it then takes)");
        require(OUTPUT_NAME.matcher(out.name()).matches(),
                path + ".name must be 1-64 of [A-Za-z0-9._-], got " + quote(out.name()));
        require(names.add(out.name()), path + ".name must be unique in the job, got " + quote(out.name()) + " twice");
        if (out.preset() != null) {
            require(OUTPUT_NAME.matcher(out.preset()).matches(),
                    path + ".preset must be 1-64 of [A-Za-z0-9._-], got " + quote(out.preset()));
            require(out.ops().isEmpty() && out.format() == null && out.quality() == null,
                    path + " names preset " + quote(out.preset()) + ", which brings its own ops, format and quality; "
                            + "give none of those");
        } else {
            require(out.format() != null, path + ".format is required (one of " + WireEnums.names(Format.class) + ")");
        }
        if (out.quality() != null) {
            require(out.quality() >= 1 && out.quality() <= 100,
                    path + ".quality must be between 1 and 100, got " + out.quality());
        }
        if (out.speed() != null) {
            require(out.speed() >= 0 && out.speed() <= 10, path + ".speed must be between 0 and 10, got " + out.speed());
        }
        require(out.target() != null || out.uri() != null,
                path + " needs a target (a prefix the output is stored under) or a uri (the exact object to write)");
        require(out.target() == null || out.uri() == null,
                path + " must give either target (a prefix) or uri (an exact object), not both");
        if (out.target() != null) {
            checkUri(path + ".target", out.target());
        } else {
            checkUri(path + ".uri", out.uri());
        }
        if (out.background() != null) {
            require(COLOUR.matcher(out.background()).matches(),
                    path + ".background must be a colour #rrggbb, got " + quote(out.background()));
        }
        require(out.ops().size() <= MAX_OPS, path + ".ops must hold at most " + MAX_OPS + " operations, got " + out.ops().size());
        List<Op> ops = out.ops();
        for (int i = 0; i < ops.size(); i++) {
            checkOp(path + ".ops[" + i + "]", ops.get(i));
        }
    }

    private static void checkOp(String path, Op op) {
        require(op != null, path + " must be an object with an op field (one of " + Op.NAMES + ")");
        if (op instanceof Op.Resize r) {
            require(r.width() != null || r.height() != null, path + " needs width or height (or both)");
            side(path + ".width", r.width());
            side(path + ".height", r.height());
            if (r.fit() == Fit.FILL || r.fit() == Fit.EXACT || r.fit() == Fit.COVER) {
                require(r.width() != null && r.height() != null,
                        path + " with fit " + r.fit().wireName() + " needs both width and height");
            }
        } else if (op instanceof Op.Crop c) {
            require(c.width() != null, path + ".width is required");
            require(c.height() != null, path + ".height is required");
            side(path + ".width", c.width());
            side(path + ".height", c.height());
            require((c.x() == null) == (c.y() == null), path + " needs both x and y, or neither (then gravity places it)");
            if (c.x() != null) {
                require(c.x() >= 0, path + ".x must be 0 or more, got " + c.x());
                require(c.y() >= 0, path + ".y must be 0 or more, got " + c.y());
            }
        } else if (op instanceof Op.Rotate r) {
            require(r.degrees() != null, path + ".degrees is required (90, 180 or 270)");
            require(r.degrees() == 90 || r.degrees() == 180 || r.degrees() == 270,
                    path + ".degrees must be 90, 180 or 270, got " + r.degrees());
        } else if (op instanceof Op.Blur b) {
            require(b.sigma() != null, path + ".sigma is required");
            require(b.sigma() >= 0.3 && b.sigma() <= 100, path + ".sigma must be between 0.3 and 100, got " + b.sigma());
        } else if (op instanceof Op.Sharpen s) {
            require(s.sigma() >= 0.3 && s.sigma() <= 100, path + ".sigma must be between 0.3 and 100, got " + s.sigma());
        }
    }

    private static void side(String path, Integer value) {
        if (value != null) {
            require(value >= 1 && value <= MAX_SIDE, path + " must be between 1 and " + MAX_SIDE + ", got " + value);
        }
    }

    private static void checkUri(String path, String value) {
        require(value.length() <= MAX_URI_LENGTH,
                path + " must be at most " + MAX_URI_LENGTH + " characters, got " + value.length());
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new Rule(path + " must be a URI: " + e.getMessage());
        }
        require(uri.getScheme() != null, path + " must be an absolute URI with a scheme (file://, https://), got " + quote(value));
    }

    private static void require(boolean ok, String rule) {
        if (!ok) {
            throw new Rule(rule);
        }
    }

    private static String quote(String s) {
        return "'" + (s.length() > 140 ? s.substring(0, 140) + "..." : s) + "'";
    }

    /** Turns a binding error into "path: what was wrong". */
    static String describe(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m)) {
            return "not valid JSON: " + e.getOriginalMessage();
        }
        String path = path(m.getPath());
        if (e instanceof InvalidTypeIdException t) {
            return (path.isEmpty() ? "" : path + ".") + "op must be one of " + Op.NAMES
                    + (t.getTypeId() == null ? " (missing)" : ", got '" + t.getTypeId() + "'");
        }
        if (e instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException iae) {
            return path + " " + iae.getMessage();
        }
        if (e instanceof InvalidFormatException f && f.getCause() instanceof IllegalArgumentException iae) {
            return path + " " + iae.getMessage();
        }
        if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            return path + " must be " + kind(mi.getTargetType());
        }
        return path + ": " + m.getOriginalMessage();
    }

    private static String kind(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** A broken schema rule; becomes the message of an {@link InvalidJobException}. */
    private static final class Rule extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rule(String message) {
            super(message, null, false, false);
        }
    }

    /** For tests and tools: the UTF-8 text of an encoded job. */
    public String encodeToString(Job job) {
        return new String(encode(job), StandardCharsets.UTF_8);
    }
}
