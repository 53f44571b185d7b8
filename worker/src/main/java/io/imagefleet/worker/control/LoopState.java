package io.imagefleet.worker.control;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A worker JVM's consumer loop's lifecycle state as {@link ControlMessage.Heartbeat} carries it
 * (lower case on the wire). The channel's own copy of the loop's state, so that the wire model
 * depends on no loop class; the worker's composition root maps one to the other.
 */
public enum LoopState {
    /** Built, not yet polling. */
    @JsonProperty("starting") STARTING,
    /** Polling and handing out jobs. */
    @JsonProperty("running") RUNNING,
    /** Finishing the jobs it has, taking no new ones. */
    @JsonProperty("draining") DRAINING,
    /** Done: committed and closed. */
    @JsonProperty("stopped") STOPPED,
    /** A state this side does not know, read from a newer worker JVM. */
    @JsonEnumDefaultValue @JsonProperty("unknown") UNKNOWN
}
