package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Source metadata an output may keep; everything else is stripped. Written in JSON in lower case. */
public enum Keep {
    /** The embedded ICC colour profile. */
    ICC,
    /** The copyright and artist fields. */
    COPYRIGHT;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static Keep fromWire(String name) {
        return WireEnums.parse(Keep.class, name);
    }
}
