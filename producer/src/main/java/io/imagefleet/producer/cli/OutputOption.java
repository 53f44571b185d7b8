package io.imagefleet.producer.cli;

import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An output written on the command line as {@code name:WIDTHxHEIGHT[:format[:quality]]}, for
 * example {@code thumb:256x256:jpeg:85}; either side may be left out ({@code 800x}).
 */
record OutputOption(String name, Integer width, Integer height, Format format, Integer quality) {
    private static final Pattern SPEC = Pattern.compile("([A-Za-z0-9._-]{1,64}):(\\d*)x(\\d*)(?::([a-zA-Z]+))?(?::(\\d{1,3}))?");

    static OutputOption parse(String text) {
        Matcher m = SPEC.matcher(text);
        if (!m.matches() || (m.group(2).isEmpty() && m.group(3).isEmpty())) {
            throw new IllegalArgumentException("an output is name:WIDTHxHEIGHT[:format[:quality]], such as thumb:256x256:jpeg:85; got '"
                    + text + "'");
        }
        return new OutputOption(m.group(1),
                m.group(2).isEmpty() ? null : Integer.valueOf(m.group(2)),
                m.group(3).isEmpty() ? null : Integer.valueOf(m.group(3)),
                m.group(4) == null ? Format.JPEG : Format.fromWire(m.group(4)),
                m.group(5) == null ? null : Integer.valueOf(m.group(5)));
    }

    OutputSpec toSpec(Fit fit, String target) {
        return OutputSpec.of(name, List.of(new Op.Resize(width, height, fit, null, null)), format, quality, target);
    }
}
