package io.imagefleet.worker.config;

/** {@code IMAGEFLEET_DELIVERY}: how results and committed offsets relate. */
public enum Delivery {
    /** Offsets are committed after the result is acknowledged; a crash may repeat a result. */
    AT_LEAST_ONCE,
    /** Results and offsets are written in one Kafka transaction. */
    EXACTLY_ONCE
}
