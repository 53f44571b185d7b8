package io.imagefleet.worker.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs Prometheus' {@code promtool} (Debian's {@code prometheus} package; {@code .ci/run} installs
 * it). A test that needs it is skipped, saying so, only where it is not installed. Stateless.
 */
record Promtool(Path executable) {
    /** The promtool on the PATH; skips the calling test when there is none. */
    static Promtool require() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return new Promtool(candidate);
            }
        }
        System.out.println("SKIPPED: promtool is not installed (apt-get install prometheus), so the alert rules and "
                + "the dashboard's queries are not checked");
        Assumptions.abort("promtool is not installed (apt-get install prometheus): rules and queries not checked");
        throw new AssertionError("unreachable");
    }

    /** What one run printed and how it ended. */
    record Run(int exitCode, String output) {
    }

    /** Runs {@code promtool args...} in {@code dir}, waiting up to two minutes. */
    Run run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("promtool %s finished", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
