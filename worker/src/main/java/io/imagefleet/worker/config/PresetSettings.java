package io.imagefleet.worker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imagefleet.config.Env;
import io.imagefleet.wire.InvalidJobException;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.OutputSpec;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named output specs a job may ask for by name. Immutable.
 *
 * @param specs {@code IMAGEFLEET_PRESETS}: a JSON object from preset name to an output without its name
 *              and target, as a job would spell it:
 *              {@code {"thumb":{"ops":[{"op":"resize","width":256,"height":256}],"format":"jpeg","quality":85}}};
 *              each spec is checked by the job's own rules at start
 * @param only  {@code IMAGEFLEET_PRESETS_ONLY}: refuse jobs whose outputs do not name a preset
 */
public record PresetSettings(Map<String, OutputSpec> specs, boolean only) {
    private static final String KEY = "IMAGEFLEET_PRESETS";
    private static final List<String> NOT_IN_A_PRESET = List.of("name", "target", "uri", "preset");

    public PresetSettings {
        specs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(specs));
    }

    static PresetSettings fromEnv(Env env) {
        Map<String, OutputSpec> specs = parse(env, env.string(KEY, ""));
        boolean only = env.bool("IMAGEFLEET_PRESETS_ONLY", false);
        if (only && specs.isEmpty()) {
            env.reject("IMAGEFLEET_PRESETS_ONLY=true needs presets in IMAGEFLEET_PRESETS, which is empty: every job "
                    + "would be refused");
        }
        return new PresetSettings(specs, only);
    }

    private static Map<String, OutputSpec> parse(Env env, String value) {
        Map<String, OutputSpec> specs = new LinkedHashMap<>();
        if (value.isBlank()) {
            return specs;
        }
        ObjectMapper mapper = new ObjectMapper();
        JsonNode tree;
        try {
            tree = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            env.reject(KEY + " must be a JSON object of named output specs, got invalid JSON: " + e.getOriginalMessage());
            return specs;
        }
        if (tree == null || !tree.isObject()) {
            env.reject(KEY + " must be a JSON object of named output specs ({\"thumb\":{\"ops\":[...],\"format\":\"jpeg\"}}), "
                    + "got " + (tree == null ? "nothing" : tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
            return specs;
        }
        JobCodec codec = new JobCodec();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String problem = check(e.getKey(), e.getValue());
            if (problem != null) {
                env.reject(KEY + ": preset '" + e.getKey() + "' " + problem);
                continue;
            }
            try {
                specs.put(e.getKey(), codec.decode(asJob(mapper, e.getKey(), (ObjectNode) e.getValue())).outputs().get(0));
            } catch (InvalidJobException bad) {
                env.reject(KEY + ": preset '" + e.getKey() + "': " + bad.getMessage().replace("outputs[0].", "")
                        .replace("outputs[0] ", ""));
            }
        }
        return specs;
    }

    private static String check(String name, JsonNode spec) {
        if (!JobCodec.ID.matcher(name).matches() || name.length() > 64) {
            return "must be named by 1-64 of [A-Za-z0-9._-]";
        }
        if (!spec.isObject()) {
            return "must be an object with ops, format and quality, as a job's output spells them";
        }
        for (String field : NOT_IN_A_PRESET) {
            if (spec.has(field)) {
                return "must not give " + field + ": the job's output gives its name and where it is stored";
            }
        }
        return null;
    }

    /** A one-output job around the spec, so that the job's own rules check it. */
    private static byte[] asJob(ObjectMapper mapper, String name, ObjectNode spec) {
        ObjectNode out = spec.deepCopy();
        out.put("name", name);
        out.put("target", "file:///presets/");
        ObjectNode job = mapper.createObjectNode();
        job.put("v", 1);
        job.put("id", "preset-check");
        job.put("source", "file:///presets/source");
        job.putArray("outputs").add(out);
        return job.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** For the start-up log line: the names only. */
    @Override
    public String toString() {
        return "{presets=" + specs.keySet() + ", only=" + only + "}";
    }
}
