package io.imagefleet.worker.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(3));

    @Test
    void delay_growsExponentiallyWithJitterAndStopsAtTheMaximum() {
        assertThat(policy.delay(1, () -> 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.delay(1, () -> 0.999)).isBetween(Duration.ofMillis(998), Duration.ofMillis(1000));
        assertThat(policy.delay(2, () -> 0.0)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.delay(3, () -> 0.5)).isEqualTo(Duration.ofMillis(2250));
        assertThat(policy.delay(30, () -> 0.0)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void mayRetry_untilTheLastAttempt() {
        assertThat(policy.mayRetry(3)).isTrue();
        assertThat(policy.mayRetry(4)).isFalse();
        assertThat(policy.worstCaseWait()).isEqualTo(Duration.ofSeconds(1 + 2 + 3));
    }
}
