package io.imagefleet.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed reads of {@code IMAGEFLEET_*} settings from an environment map. A bad value does not
 * throw at once: it is recorded and the default is returned, so that {@link #validate()} can
 * report every bad key together. Not thread-safe; use one per configuration build.
 */
public final class Env {
    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> read = new LinkedHashSet<>();

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The raw map this reads from. */
    public Map<String, String> raw() {
        return values;
    }

    /** The value, or empty when unset or blank. */
    public Optional<String> get(String key) {
        read.add(key);
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String string(String key, String def) {
        return get(key).orElse(def);
    }

    public int intBetween(String key, int def, int min, int max) {
        return parse(key, def, s -> {
            int v = Integer.parseInt(s);
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        }, "a whole number");
    }

    public long longBetween(String key, long def, long min, long max) {
        return parse(key, def, s -> {
            long v = Long.parseLong(s.replace("_", ""));
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        }, "a whole number");
    }

    public double doubleBetween(String key, double def, double min, double max) {
        return parse(key, def, s -> {
            double v = Double.parseDouble(s);
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException("must be between " + min + " and " + max);
            }
            return v;
        }, "a number");
    }

    public long bytes(String key, long def) {
        return parse(key, def, ByteSize::parse, "a size such as 512m, 2g or 1048576");
    }

    public Duration duration(String key, Duration def) {
        return parse(key, def, Durations::parse, "a duration such as 500ms, 60s, 10m or 2h");
    }

    public boolean bool(String key, boolean def) {
        return parse(key, def, s -> switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        }, "true or false");
    }

    /** A comma-separated list; empty when unset. */
    public List<String> list(String key) {
        return get(key).map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList())
                .orElse(List.of());
    }

    /** An enum written in lower case with hyphens ({@code exactly-once}). */
    public <E extends Enum<E>> E oneOf(String key, E def, Class<E> type) {
        return parse(key, def, s -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().replace('_', '-').equalsIgnoreCase(s)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        }, "one of the listed values");
    }

    /**
     * Every key asked for so far, set or not: after a configuration is built, the keys it
     * understands (the deploy manifests are checked against these).
     */
    public Set<String> keysRead() {
        return Set.copyOf(read);
    }

    /** Records a problem found by a caller's own rule (across keys, say). */
    public void reject(String problem) {
        problems.add(problem);
    }

    /** Throws a {@link ConfigException} naming every bad key seen so far, if there is one. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private <T> T parse(String key, T def, Function<String, T> parser, String expected) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return def;
        }
        try {
            return parser.apply(raw.get());
        } catch (NumberFormatException e) {
            problems.add(key + " must be " + expected + ", got '" + raw.get() + "'");
        } catch (IllegalArgumentException e) {
            problems.add(key + " " + e.getMessage() + ", got '" + raw.get() + "'");
        }
        return def;
    }
}
