package io.imagefleet.config;

import java.util.List;

/** Configuration that cannot be used; the message lists every bad key at once, one per line. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super("invalid configuration:\n  " + String.join("\n  ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** One line per bad key, each naming the key, the rule and the value. */
    public List<String> problems() {
        return problems;
    }
}
