package io.imagefleet.worker.metrics;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusSamplesTest {
    @Test
    void parse_escapedLabelsAndSpecialValues_readBack() {
        PrometheusSamples s = PrometheusSamples.parse("""
                # HELP x help with "quotes"
                x{a="q\\"uote",b="back\\\\slash",c="new\\nline"} 1.5
                y +Inf
                z{le="+Inf"} NaN
                """);

        assertThat(s.all()).hasSize(3);
        assertThat(s.find("x", Map.of()).get(0).labels())
                .containsExactly(Map.entry("a", "q\"uote"), Map.entry("b", "back\\slash"), Map.entry("c", "new\nline"));
        assertThat(s.find("y", Map.of()).get(0).value()).isInfinite();
        assertThat(s.find("z", Map.of("le", "+Inf")).get(0).value()).isNaN();
    }

    @Test
    void parse_notASample_namesTheLine() {
        assertThatThrownBy(() -> PrometheusSamples.parse("x{a=b} 1")).hasMessage("not a Prometheus sample: x{a=b} 1");
    }
}
