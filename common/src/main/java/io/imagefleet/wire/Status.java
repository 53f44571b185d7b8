package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of a job. Written in JSON in lower case. */
public enum Status {
    SUCCEEDED, FAILED;

    @JsonValue
    public String wireName() {
        return WireEnums.wireName(this);
    }

    @JsonCreator
    public static Status fromWire(String name) {
        return WireEnums.parse(Status.class, name);
    }
}
