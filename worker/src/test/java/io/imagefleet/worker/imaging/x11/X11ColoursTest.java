package io.imagefleet.worker.imaging.x11;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class X11ColoursTest {
    private final X11Colours colours = X11Colours.load();

    @Test
    void load_theWholeRgbTxt_everyNameAndSpelling() {
        assertThat(colours.size()).isEqualTo(753);
        assertThat(colours.named("navy")).isEqualTo(0x000080);
        assertThat(colours.named("NavyBlue")).isEqualTo(0x000080);
        assertThat(colours.named("navy blue")).isEqualTo(0x000080);
        assertThat(colours.named("gray50")).isEqualTo(0x7f7f7f);
        assertThat(colours.named("LightGoldenrod4")).isEqualTo(0x8b814c);
    }

    @Test
    void named_unknownName_isMinusOne() {
        assertThat(colours.named("ultraviolet")).isEqualTo(-1);
    }

    @Test
    void hex_everyDigitCount_isScaledToEightBits() {
        assertThat(X11Colours.hex("#fff")).isEqualTo(0xffffff);
        assertThat(X11Colours.hex("#1a2")).isEqualTo(0x11aa22);
        assertThat(X11Colours.hex("#12ab9f")).isEqualTo(0x12ab9f);
        assertThat(X11Colours.hex("#fff800000")).isEqualTo(0xff8000);
        assertThat(X11Colours.hex("#ffff80000000")).isEqualTo(0xff8000);
        assertThat(X11Colours.hex("#12ff345678ff")).isEqualTo(0x123478);
    }

    @Test
    void hex_wrongLengthOrDigits_isMinusOne() {
        assertThat(X11Colours.hex("#ffff")).isEqualTo(-1);
        assertThat(X11Colours.hex("#")).isEqualTo(-1);
        assertThat(X11Colours.hex("#ggg")).isEqualTo(-1);
        assertThat(X11Colours.hex("#1234567890abc0")).isEqualTo(-1);
        assertThat(X11Colours.hex("#123456789abcdef")).isEqualTo(-1);
    }
}
