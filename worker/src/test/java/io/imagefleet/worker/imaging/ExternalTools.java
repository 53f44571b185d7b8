package io.imagefleet.worker.imaging;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the Debian command-line tools the HEIF/AVIF tests make and check files with
 * ({@code heif-enc}, {@code heif-convert}, {@code heif-info}: libheif-examples; {@code avifenc}:
 * libavif-bin). A test skips, saying which package to install, only where a tool is absent;
 * {@code .ci/run} installs them.
 */
final class ExternalTools {
    private ExternalTools() {
    }

    static void assume(String tool, String debianPackage) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            found |= Files.isExecutable(Path.of(dir, tool));
        }
        Assumptions.assumeTrue(found, () -> tool + " is not installed here (apt-get install " + debianPackage + ")");
    }

    /** Runs the command to completion (at most a minute) and returns its output; fails the test on a non-zero exit. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        String text = new String(out, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s exit status; output:%n%s", String.join(" ", command), text).isZero();
        return text;
    }
}
