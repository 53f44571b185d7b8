package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a resize fits the image to its box. Written in JSON in lower case. */
public enum Fit {
    /** Scale to fit inside the box, keeping the aspect ratio; one side may be shorter. */
    INSIDE,
    /** Scale to cover the box, keeping the aspect ratio; one side may be longer. Nothing is cut. */
    COVER,
    /** Scale to cover the box, then cut to exactly the box around the gravity (centre by default). */
    FILL,
    /** Stretch to exactly the box, ignoring the aspect ratio. */
    EXACT;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static Fit fromWire(String name) {
        return WireEnums.parse(Fit.class, name);
    }
}
