package io.imagefleet.worker.pipeline;

import io.imagefleet.wire.Animation;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PresetsTest {
    private static final OutputSpec THUMB = new OutputSpec("ignored", List.of(Op.Resize.inside(256, 256)), Format.WEBP, 70,
            null, null, true, "#000000");
    private final Presets presets = new Presets(Map.of("thumb", THUMB), false);

    private static OutputSpec preset(String name, String preset) {
        return new OutputSpec(name, null, null, null, "file:///out/", null, null, null, null, null, null, preset);
    }

    @Test
    void expand_presetOutput_takesTheSpecAndKeepsNameAndTarget() throws Exception {
        Job job = Job.of("j", "file:///in/a.jpg", List.of(preset(null, "thumb"), preset("small", "thumb")
                .withAnimation(Animation.KEEP)));

        Job expanded = presets.expand(job);

        assertThat(expanded.outputs()).hasSize(2);
        OutputSpec first = expanded.outputs().get(0);
        assertThat(first.name()).isEqualTo("thumb");
        assertThat(first.ops()).containsExactly(Op.Resize.inside(256, 256));
        assertThat(first.format()).isEqualTo(Format.WEBP);
        assertThat(first.quality()).isEqualTo(70);
        assertThat(first.lossless()).isTrue();
        assertThat(first.background()).isEqualTo("#000000");
        assertThat(first.target()).isEqualTo("file:///out/");
        assertThat(first.animation()).isEqualTo(Animation.FIRST);
        assertThat(expanded.outputs().get(1).name()).isEqualTo("small");
        assertThat(expanded.outputs().get(1).animation()).as("the job's own option wins").isEqualTo(Animation.KEEP);
        assertThat(expanded.id()).isEqualTo("j");
    }

    @Test
    void expand_unknownPreset_invalidJobNamingThePresets() {
        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> presets.expand(Job.of("j", "file:///in/a.jpg", List.of(preset(null, "huge")))));

        assertThat(f.code()).isEqualTo(ErrorCode.INVALID_JOB);
        assertThat(f.getMessage()).isEqualTo("outputs[0].preset 'huge' is not a preset of this fleet; IMAGEFLEET_PRESETS has thumb");
    }

    @Test
    void expand_presetsOnlyAndAnOutputOfItsOwn_invalidJobSayingSo() {
        Presets only = new Presets(Map.of("thumb", THUMB), true);
        Job job = Job.of("j", "file:///in/a.jpg", List.of(preset(null, "thumb"),
                OutputSpec.of("big", List.of(new Op.Resize(50_000, 50_000, null, null, true)), Format.JPEG, 80, "file:///out/")));

        JobFailure f = catchThrowableOfType(JobFailure.class, () -> only.expand(job));

        assertThat(f.code()).isEqualTo(ErrorCode.INVALID_JOB);
        assertThat(f.getMessage()).contains("outputs[1] (big) spells its own ops and format", "IMAGEFLEET_PRESETS_ONLY",
                "thumb");
    }

    @Test
    void expand_presetNamedButNoneConfigured_invalidJobNotAnOutputWithoutFormat() {
        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> Presets.NONE.expand(Job.of("j", "file:///in/a.jpg", List.of(preset(null, "thumb")))));

        assertThat(f.code()).isEqualTo(ErrorCode.INVALID_JOB);
        assertThat(f.getMessage()).isEqualTo("outputs[0].preset 'thumb' is not a preset of this fleet; IMAGEFLEET_PRESETS has "
                + "none (IMAGEFLEET_PRESETS is empty)");
    }

    @Test
    void expand_noPresetsConfigured_jobUnchanged() throws Exception {
        Job job = Job.of("j", "file:///in/a.jpg", List.of(OutputSpec.of("o", List.of(), Format.PNG, null, "file:///out/")));

        assertThat(Presets.NONE.expand(job)).isSameAs(job);
    }
}
