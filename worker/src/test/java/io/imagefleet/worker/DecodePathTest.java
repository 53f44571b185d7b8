package io.imagefleet.worker;

import io.imagefleet.worker.imaging.NativeCodecs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DecodePathTest {
    @Test
    void of_noNativeLibraryOnDebian_saysImageIOWhatItCostsAndTheAptCommand() {
        DecodePath path = DecodePath.of(NativeCodecs.none(), Map.of("ID", "debian"));

        assertThat(path.nativeJpeg()).isFalse();
        assertThat(path.lines()).hasSize(2);
        assertThat(path.lines().get(0)).startsWith("decode path: ImageIO").contains("libturbojpeg", "5x");
        assertThat(path.lines().get(1)).endsWith("sudo apt-get install -y libturbojpeg0 libwebp7 libheif1 libwebpdemux2 libwebpmux3");
    }

    @Test
    void installCommand_fedoraFamily_usesDnfPackageNames() {
        assertThat(DecodePath.installCommand(Set.of("libturbojpeg", "libwebp"), Map.of("ID", "rocky", "ID_LIKE", "rhel centos fedora")))
                .contains("sudo dnf install -y turbojpeg libwebp");
    }

    @Test
    void installCommand_fedoraWithoutWebpAndItsAnimation_namesLibwebpOnce() {
        assertThat(DecodePath.installCommand(Set.of("libwebp", "libwebpdemux/libwebpmux"), Map.of("ID", "fedora")))
                .hasValue("sudo dnf install -y libwebp");
    }

    @Test
    void installCommand_onlyAnimationMissingOnAlpine_namesDemuxAndMux() {
        assertThat(DecodePath.installCommand(Set.of("libwebpdemux/libwebpmux"), Map.of("ID", "alpine")))
                .hasValue("sudo apk add libwebpdemux libwebpmux");
    }

    @Test
    void installCommand_unknownSystem_isEmptyAndTheLineNamesTheLibraries() {
        DecodePath path = DecodePath.of(NativeCodecs.none(), Map.of("ID", "plan9"));

        assertThat(path.install()).isEmpty();
        assertThat(path.lines().get(1)).contains("package manager", "libturbojpeg.so.0");
    }

    @Test
    void detect_nativeOff_saysImageIOByChoiceWithoutAnInstallHint() {
        DecodePath path = DecodePath.detect(Map.of("IMAGEFLEET_NATIVE", "off"));

        assertThat(path.lines()).containsExactly("decode path: ImageIO (IMAGEFLEET_NATIVE=off): JPEG decodes without libjpeg-turbo");
    }

    @Test
    void detect_machineWithLibturbojpeg_saysNative() {
        DecodePath path = DecodePath.detect(Map.of());
        Assumptions.assumeTrue(path.nativeJpeg(), "libturbojpeg0 is not installed here: " + path.report());

        assertThat(path.lines().get(0)).startsWith("decode path: native: JPEG decodes with libjpeg-turbo");
    }

    @Test
    void osRelease_quotedFields_readWithoutQuotes(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n# x\n");

        assertThat(DecodePath.osRelease(file)).containsEntry("ID", "debian")
                .containsEntry("PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)");
        assertThat(DecodePath.osRelease(dir.resolve("none"))).isEmpty();
    }
}
