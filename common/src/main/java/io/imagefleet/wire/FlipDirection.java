package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The axis a flip mirrors across. Written in JSON in lower case. */
public enum FlipDirection {
    HORIZONTAL, VERTICAL;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static FlipDirection fromWire(String name) {
        return WireEnums.parse(FlipDirection.class, name);
    }
}
