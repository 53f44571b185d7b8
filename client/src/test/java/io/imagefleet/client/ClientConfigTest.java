package io.imagefleet.client;

import io.imagefleet.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientConfigTest {
    @Test
    void fromEnv_nothingSet_repliesOnResultsTopicWithDefaultTimeout() {
        ClientConfig c = ClientConfig.fromEnv(Map.of("IMAGEFLEET_BOOTSTRAP_SERVERS", "k:9092"));

        assertThat(c.kafka().bootstrapServers()).isEqualTo("k:9092");
        assertThat(c.jobsTopic()).isEqualTo("imagefleet.jobs");
        assertThat(c.replyTopic()).isEqualTo("imagefleet.results");
        assertThat(c.timeout()).isEqualTo(ClientConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void fromEnv_ownReplyTopicAndTimeout_used() {
        ClientConfig c = ClientConfig.fromEnv(Map.of("IMAGEFLEET_RESULTS_TOPIC", "r",
                "IMAGEFLEET_CLIENT_REPLY_TOPIC", "orders.thumbs", "IMAGEFLEET_CLIENT_TIMEOUT", "30s",
                "IMAGEFLEET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));

        assertThat(c.replyTopic()).isEqualTo("orders.thumbs");
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.kafka().clientProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void fromEnv_badTimeout_namesTheKey() {
        assertThatThrownBy(() -> ClientConfig.fromEnv(Map.of("IMAGEFLEET_CLIENT_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("IMAGEFLEET_CLIENT_TIMEOUT");
    }

    @Test
    void new_internalReplyTopicAndZeroTimeout_namesBoth() {
        assertThatThrownBy(() -> ClientConfig.of("k:9092").withReplyTopic("__consumer_offsets").withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replyTopic");
        assertThatThrownBy(() -> ClientConfig.of("k:9092").withTimeout(Duration.ZERO))
                .hasMessageContaining("Invalid value PT0S for timeout");
    }
}
