package io.imagefleet.worker.health;

import io.imagefleet.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HealthServerTest {
    private final AtomicBoolean live = new AtomicBoolean(true);
    private final HealthCheck check = new HealthCheck() {
        @Override
        public Health live() {
            return Health.of(live.get() ? List.of() : List.of("slot-0 is stuck"), List.of());
        }

        @Override
        public Health ready() {
            return Health.up(List.of());
        }
    };

    @Test
    void get_eachPath_answersWithItsStatusAndType() throws Exception {
        try (HealthServer server = HealthServer.start(0, () -> "up{slot=\"0\"} 1.0\n", check)) {
            HttpResponse<String> metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body()).isEqualTo("up{slot=\"0\"} 1.0\n");

            assertThat(get(server, "/health/live").statusCode()).isEqualTo(200);
            live.set(false);
            HttpResponse<String> down = get(server, "/health/live");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"status\" : \"DOWN\"", "slot-0 is stuck");
            assertThat(get(server, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(server, "/nope").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void start_portInUse_namesTheSetting() {
        try (HealthServer first = HealthServer.start(0, () -> "", check)) {
            assertThatThrownBy(() -> HealthServer.start(first.port(), () -> "", check))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("IMAGEFLEET_METRICS_PORT " + first.port() + " cannot be bound");
        }
    }

    private static HttpResponse<String> get(HealthServer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
