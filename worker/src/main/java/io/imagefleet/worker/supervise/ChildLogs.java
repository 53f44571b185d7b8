package io.imagefleet.worker.supervise;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the worker JVMs' log lines go, decided line by line, since a spare JVM takes a slot only
 * when it is put to work: onto one stream with a {@code slot-N|} prefix, onto one stream as JSON
 * lines with a {@code slot} field (with {@code IMAGEFLEET_LOG_FORMAT=json}), or into one file per
 * slot ({@code worker-N.log}, {@code worker-spare.log} before a spare has a slot). Thread-safe.
 */
public abstract sealed class ChildLogs {
    /** The line a child wrote, attributed to the slot it serves now (-1 for a spare). */
    abstract void line(int slot, String line);

    /** Lines onto one stream, each with its slot as a prefix. */
    public static ChildLogs prefixed(PrintStream out) {
        return new Prefixed(out);
    }

    /**
     * JSON lines onto one stream: a child's JSON log line gets {@code "slot":"slot-N"} as its first
     * field; anything else it wrote (JVM warnings, a crash report) becomes a JSON line of its own,
     * with the text as its message, so that every line of the stream is one JSON object.
     */
    public static ChildLogs json(PrintStream out, Clock clock) {
        return new Json(out, clock);
    }

    /** Lines into {@code worker-N.log} files in a directory, appended. */
    public static ChildLogs files(Path dir) {
        return new Files(dir);
    }

    static String label(int slot) {
        return slot == AotCache.TRAINER ? "aot-training" : slot < 0 ? "spare" : "slot-" + slot;
    }

    private static final class Prefixed extends ChildLogs {
        private final PrintStream out;

        Prefixed(PrintStream out) {
            this.out = out;
        }

        @Override
        void line(int slot, String line) {
            out.println(label(slot) + "| " + line);
        }
    }

    private static final class Json extends ChildLogs {
        private final ObjectMapper mapper = JsonMapper.builder().build();
        private final PrintStream out;
        private final Clock clock;

        Json(PrintStream out, Clock clock) {
            this.out = out;
            this.clock = clock;
        }

        @Override
        void line(int slot, String line) {
            String label = label(slot);
            String trimmed = line.strip();
            if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
                String rest = trimmed.substring(1).stripLeading();
                out.println("{\"slot\":\"" + label + "\"" + (rest.startsWith("}") ? "" : ",") + rest);
                return;
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("@timestamp", clock.instant().toString());
            m.put("level", "WARN");
            m.put("logger_name", "worker-jvm-output");
            m.put("slot", label);
            m.put("message", line);
            try {
                out.println(mapper.writeValueAsString(m));
            } catch (JsonProcessingException e) {
                out.println(label + "| " + line);
            }
        }
    }

    private static final class Files extends ChildLogs {
        private final Path dir;
        private final Map<Integer, PrintStream> open = new HashMap<>();

        Files(Path dir) {
            this.dir = dir;
        }

        @Override
        synchronized void line(int slot, String line) {
            open.computeIfAbsent(slot, s -> {
                try {
                    String name = "worker-" + (s < 0 ? label(s) : Integer.toString(s)) + ".log";
                    return new PrintStream(new FileOutputStream(dir.resolve(name).toFile(), true), true, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).println(line);
        }
    }
}
