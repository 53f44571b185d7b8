package io.imagefleet.worker;

import io.imagefleet.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerCheckTest {
    private static String check(Map<String, String> env, int expectedCode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = WorkerMain.check(env, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(expectedCode);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void check_nativeOff_reportsImageIoOnly() {
        String out = check(Map.of("IMAGEFLEET_NATIVE", "off"), 0);

        assertThat(out).contains("configuration: ok")
                .contains("native libturbojpeg: not used (IMAGEFLEET_NATIVE=off)")
                .contains("native libwebp: not used (IMAGEFLEET_NATIVE=off)")
                .contains("native mode: off");
    }

    @Test
    void check_auto_reportsEveryLibraryEitherWay() {
        String out = check(Map.of(), 0);

        assertThat(out).containsPattern("native libturbojpeg: (libturbojpeg\\S* \\(TurboJPEG [23]\\.x API|not found)")
                .containsPattern("native libwebp: (libwebp\\S* \\(encoder|not found)")
                .containsPattern("native libwebpdemux/libwebpmux: (libwebpdemux\\S*, libwebpmux|not found|unusable)");
    }

    @Test
    void check_badConfiguration_failsLikeAStart() {
        assertThatThrownBy(() -> WorkerMain.check(Map.of("IMAGEFLEET_NATIVE", "maybe"), System.out))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("IMAGEFLEET_NATIVE must be one of [auto, off, required], got 'maybe'");
    }
}
