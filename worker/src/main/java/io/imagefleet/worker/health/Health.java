package io.imagefleet.worker.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of one health check: up or down, the reasons when down (one readable sentence each,
 * with the numbers), and details for a person or a script (per slot: pid, poll age, partitions).
 * Rendered as the JSON body of {@code /health/live} and {@code /health/ready}. Immutable.
 */
public record Health(boolean up, List<String> problems, List<Map<String, Object>> details) {
    public Health {
        problems = List.copyOf(problems);
        details = List.copyOf(details);
    }

    public static Health up(List<Map<String, Object>> details) {
        return new Health(true, List.of(), details);
    }

    /** Down when there is any problem. */
    public static Health of(List<String> problems, List<Map<String, Object>> details) {
        return new Health(problems.isEmpty(), problems, details);
    }

    /** The JSON body: {@code {"status":"UP","problems":[],"details":[...]}}. */
    Map<String, Object> body() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", up ? "UP" : "DOWN");
        m.put("problems", problems);
        m.put("details", details);
        return m;
    }
}
