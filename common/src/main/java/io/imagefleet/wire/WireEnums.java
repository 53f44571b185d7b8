package io.imagefleet.wire;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Lower-case wire names for enums, with a parse error that lists the allowed values. */
final class WireEnums {
    private WireEnums() {
    }

    static String wireName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (wireName(e).equalsIgnoreCase(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("must be one of " + names(type) + ", got '" + name + "'");
    }

    static <E extends Enum<E>> String names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireEnums::wireName).collect(Collectors.joining(", "));
    }
}
