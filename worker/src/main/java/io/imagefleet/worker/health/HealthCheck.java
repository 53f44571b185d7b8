package io.imagefleet.worker.health;

/**
 * What {@code /health/live} and {@code /health/ready} answer. Called on the HTTP server's threads:
 * implementations read state published by other threads and must be quick and thread-safe.
 */
public interface HealthCheck {
    /** Whether the process should be left running (Kubernetes restarts it when this stays down). */
    Health live();

    /** Whether the process is doing its work: consuming, with partitions or none to get. */
    Health ready();
}
