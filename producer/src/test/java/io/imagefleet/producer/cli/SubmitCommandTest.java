package io.imagefleet.producer.cli;

import io.imagefleet.wire.Fit;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubmitCommandTest {
    @TempDir
    Path dir;

    @Test
    void jobId_sameUri_isStableAndValid() {
        String a = SubmitCommand.jobId("file:///photos/My Cat (1).JPG");

        assertThat(a).isEqualTo(SubmitCommand.jobId("file:///photos/My Cat (1).JPG"))
                .matches("My_Cat__1_-[0-9a-f]{8}")
                .isNotEqualTo(SubmitCommand.jobId("file:///other/My Cat (1).JPG"));
    }

    @Test
    void expand_directory_listsEveryRegularNonHiddenFileSorted() throws IOException {
        Files.writeString(dir.resolve("b.png"), "x");
        Files.writeString(dir.resolve("a.JPG"), "x");
        Files.writeString(dir.resolve("icon.xpm"), "x");
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.writeString(dir.resolve("noextension"), "x");
        Files.writeString(dir.resolve(".DS_Store"), "x");
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/HEAD"), "x");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/c.rgb8"), "x");

        List<String> uris = SubmitCommand.expand(dir.toString(), Set.of());

        assertThat(uris).containsExactly(uri("a.JPG"), uri("b.png"), uri("icon.xpm"), uri("noextension"),
                uri("notes.txt"), uri("sub/c.rgb8"));
    }

    @Test
    void expand_directoryWithExtensions_listsOnlyThoseInAnyCase() throws IOException {
        Files.writeString(dir.resolve("b.png"), "x");
        Files.writeString(dir.resolve("a.JPG"), "x");
        Files.writeString(dir.resolve("notes.txt"), "x");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/c.jpg"), "x");

        List<String> uris = SubmitCommand.expand(dir.toString(), SubmitCommand.extensionSet(List.of(".jpg", "PNG")));

        assertThat(uris).containsExactly(uri("a.JPG"), uri("b.png"), uri("sub/c.jpg"));
    }

    @Test
    void expand_fileNamedOnTheCommandLine_isSubmittedWhateverTheExtensionFilter() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "x");

        List<String> uris = SubmitCommand.expand(dir.resolve("notes.txt").toString(), Set.of("jpg"));

        assertThat(uris).containsExactly(uri("notes.txt"));
    }

    @Test
    void extensionSet_emptyOrDotted_isRefusedNamingTheValue() {
        assertThatThrownBy(() -> SubmitCommand.extensionSet(List.of("jpg", "")))
                .hasMessage("--ext takes extensions such as jpg,png; got ''");
        assertThatThrownBy(() -> SubmitCommand.extensionSet(List.of("tar.gz")))
                .hasMessage("--ext takes extensions such as jpg,png; got 'tar.gz'");
    }

    private String uri(String relative) {
        return dir.resolve(relative).toUri().toString();
    }

    @Test
    void expand_missingPath_saysWhat() {
        assertThatThrownBy(() -> SubmitCommand.expand(dir.resolve("nope").toString(), Set.of()))
                .hasMessageContaining("is not a file, a directory or a URL");
    }

    @Test
    void outputOption_fullSpec_becomesResizeOutput() {
        OutputSpec spec = OutputOption.parse("web:1280x:png:90").toSpec(Fit.INSIDE, "file:///o/");

        assertThat(spec.name()).isEqualTo("web");
        assertThat(spec.format()).isEqualTo(Format.PNG);
        assertThat(spec.quality()).isEqualTo(90);
        assertThat(spec.ops()).containsExactly(new Op.Resize(1280, null, Fit.INSIDE, null, null));
    }

    @Test
    void outputOption_malformed_explainsTheForm() {
        assertThatThrownBy(() -> OutputOption.parse("thumb"))
                .hasMessageStartingWith("an output is name:WIDTHxHEIGHT[:format[:quality]]");
    }

    @Test
    void progressLines_notATerminal_printsTenthsWithRateAndEta() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Progress p = new Progress.Lines("submit", 20, "jobs", new PrintStream(bytes, true, StandardCharsets.UTF_8))) {
            for (int i = 0; i < 20; i++) {
                p.step();
            }
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(lines).hasSize(10);
        assertThat(lines.get(0)).startsWith("submit: 2/20 jobs (10%)").contains("jobs/s").contains("eta");
        assertThat(lines.get(9)).startsWith("submit: 20/20 jobs (100%)");
    }
}
