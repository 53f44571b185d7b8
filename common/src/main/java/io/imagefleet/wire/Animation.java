package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an output makes of an animated source (GIF, WebP). Written in JSON in lower case. */
public enum Animation {
    /** The first frame only: the default. */
    FIRST,
    /** Every frame, with every op applied to each and the frame timing kept. */
    KEEP;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static Animation fromWire(String name) {
        return WireEnums.parse(Animation.class, name);
    }
}
