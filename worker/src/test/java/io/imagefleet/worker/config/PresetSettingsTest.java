package io.imagefleet.worker.config;

import io.imagefleet.config.ConfigException;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PresetSettingsTest {
    @Test
    void fromEnv_jsonOfNamedSpecs_parsedAsOutputs() {
        WorkerConfig c = WorkerConfig.fromEnv(Map.of("IMAGEFLEET_PRESETS", """
                {"thumb": {"ops": [{"op": "resize", "width": 256, "height": 256}], "format": "jpeg", "quality": 85},
                 "grey":  {"ops": [{"op": "grayscale"}], "format": "png"}}
                """, "IMAGEFLEET_PRESETS_ONLY", "true"));

        assertThat(c.presets().only()).isTrue();
        assertThat(c.presets().specs()).containsOnlyKeys("thumb", "grey");
        assertThat(c.presets().specs().get("thumb").ops()).containsExactly(Op.Resize.inside(256, 256));
        assertThat(c.presets().specs().get("thumb").format()).isEqualTo(Format.JPEG);
        assertThat(c.presets().specs().get("thumb").quality()).isEqualTo(85);
        assertThat(c.presets().specs().get("grey").format()).isEqualTo(Format.PNG);
    }

    @Test
    void fromEnv_unset_noPresetsAndJobsSpellTheirOwn() {
        WorkerConfig c = WorkerConfig.fromEnv(Map.of());

        assertThat(c.presets().specs()).isEmpty();
        assertThat(c.presets().only()).isFalse();
        assertThat(c.limits().maxOutputPixels()).isEqualTo(c.maxPixels());
    }

    @Test
    void fromEnv_badPresets_refusedNamingThePresetAndTheRule() {
        Map<String, String> env = Map.of("IMAGEFLEET_PRESETS", """
                {"big": {"ops": [{"op": "resize", "width": 70000}], "format": "jpeg"},
                 "noformat": {"ops": []},
                 "placed": {"format": "png", "target": "file:///x/"}}
                """);

        assertThatThrownBy(() -> WorkerConfig.fromEnv(env)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).hasSize(3);
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).isEqualTo(
                    "IMAGEFLEET_PRESETS: preset 'big': ops[0].width must be between 1 and 65500, got 70000"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(
                    "IMAGEFLEET_PRESETS: preset 'noformat': format is required"));
            assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(
                    "IMAGEFLEET_PRESETS: preset 'placed' must not give target"));
        });
    }

    @Test
    void fromEnv_notJsonOrOnlyWithoutPresets_refused() {
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("IMAGEFLEET_PRESETS", "thumb=256x256")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("IMAGEFLEET_PRESETS must be a JSON object of named output specs"));
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("IMAGEFLEET_PRESETS_ONLY", "true")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("IMAGEFLEET_PRESETS_ONLY=true needs presets"));
    }

    @Test
    void fromEnv_maxOutputPixels_readAndBounded() {
        assertThat(WorkerConfig.fromEnv(Map.of("IMAGEFLEET_MAX_OUTPUT_PIXELS", "4000000")).limits().maxOutputPixels())
                .isEqualTo(4_000_000L);
        assertThatThrownBy(() -> WorkerConfig.fromEnv(Map.of("IMAGEFLEET_MAX_OUTPUT_PIXELS", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("IMAGEFLEET_MAX_OUTPUT_PIXELS must be between 1");
    }
}
