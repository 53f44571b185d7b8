package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a crop or a cover resize keeps the image when it cuts it. Written in JSON in lower case. */
public enum Gravity {
    CENTER, NORTH, SOUTH, EAST, WEST, NORTHEAST, NORTHWEST, SOUTHEAST, SOUTHWEST;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static Gravity fromWire(String name) {
        return WireEnums.parse(Gravity.class, name);
    }
}
