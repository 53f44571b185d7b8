package io.imagefleet.worker.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges Prometheus text expositions (format 0.0.4) from several JVMs into one: the supervisor's
 * own meters and each worker JVM's, whose samples get a {@code slot} label here. A metric family
 * appears once (its HELP and TYPE lines from the first source that has them), followed by the
 * samples of every source, as the format requires. Sources are exact: histograms keep their
 * buckets, so percentiles can be computed over slots and pods. Stateless.
 */
public final class PrometheusMerge {
    private PrometheusMerge() {
    }

    /**
     * One source's text and the slot to label its samples with (null: its samples are labelled already).
     */
    public record Source(String text, String slot) {
    }

    /** The merged exposition. */
    public static String merge(List<Source> sources) {
        Map<String, Family> families = new LinkedHashMap<>();
        for (Source s : sources) {
            Family current = null;
            for (String line : s.text().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                    String name = nameAfterKeyword(line);
                    current = families.computeIfAbsent(name, k -> new Family());
                    if (line.startsWith("# HELP ") && current.help == null) {
                        current.help = line;
                    } else if (line.startsWith("# TYPE ") && current.type == null) {
                        current.type = line;
                    }
                } else if (!line.startsWith("#")) {
                    if (current == null) {
                        current = families.computeIfAbsent(sampleName(line), k -> new Family());
                    }
                    current.samples.add(s.slot() == null ? line : withSlot(line, s.slot()));
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (Family f : families.values()) {
            if (f.help != null) {
                out.append(f.help).append('\n');
            }
            if (f.type != null) {
                out.append(f.type).append('\n');
            }
            f.samples.forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    /** The sample line with {@code slot="..."} as its first label. */
    static String withSlot(String sample, String slot) {
        String label = "slot=\"" + slot.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        int brace = sample.indexOf('{');
        int space = sample.indexOf(' ');
        if (brace >= 0 && (space < 0 || brace < space)) {
            boolean empty = sample.charAt(brace + 1) == '}';
            return sample.substring(0, brace + 1) + label + (empty ? "" : ",") + sample.substring(brace + 1);
        }
        return sample.substring(0, space) + "{" + label + "}" + sample.substring(space);
    }

    private static String nameAfterKeyword(String line) {
        String rest = line.substring(7);
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    private static String sampleName(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }

    private static final class Family {
        final List<String> samples = new ArrayList<>();
        String help;
        String type;
    }
}
