package io.imagefleet.local.bench;

import java.time.Duration;

/**
 * The open-loop run: jobs published at a fixed rate, whatever the fleet does, for a while.
 * The rate is either given or a fraction of what the fleet did at saturation. Immutable.
 *
 * @param rate     jobs per second; 0 to take {@code fraction} of the saturation throughput
 * @param fraction of the saturation throughput, when no rate is given
 * @param length   how long jobs are published for
 */
record OpenLoop(double rate, double fraction, Duration length) {

    double rateFor(Run saturation) {
        if (rate > 0) {
            return rate;
        }
        double r = fraction * saturation.jobs() / Math.max(0.001, saturation.seconds());
        return Math.max(0.1, Math.round(r * 100) / 100.0);
    }

    int jobsAt(double jobsPerSecond) {
        return (int) Math.max(1, Math.round(jobsPerSecond * length.toMillis() / 1000.0));
    }
}
