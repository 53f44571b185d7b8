package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FileSourceTest {
    @TempDir
    Path dir;
    Path root;
    Path secret;
    FileSource source;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(dir.resolve("in"));
        secret = Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.writeString(root.resolve("ok.jpg"), "image");
        source = new FileSource(List.of(root), 1024);
    }

    private JobFailure failure(String uri) {
        return catchThrowableOfType(JobFailure.class, () -> source.fetch(URI.create(uri), JobDeadline.after(Duration.ofSeconds(5))));
    }

    @Test
    void fetch_fileUnderRoot_readsIt() throws Exception {
        SourceBytes got = source.fetch(root.resolve("ok.jpg").toUri(), JobDeadline.after(Duration.ofSeconds(5)));

        assertThat(new String(got.bytes())).isEqualTo("image");
    }

    @Test
    void fetch_dotDotOutOfRoot_isForbidden() {
        assertThat(failure("file://" + root + "/../secret.txt").code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
    }

    @Test
    void fetch_percentEncodedDotDot_isForbidden() {
        assertThat(failure("file://" + root + "/%2e%2e/secret.txt").code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
        assertThat(failure("file://" + root + "/%2E%2E/%2e%2e/%2e%2e/etc/passwd").code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
    }

    @Test
    void fetch_missingFileOutsideRoot_isForbiddenNotNotFound() {
        assertThat(failure("file://" + root + "/../nothing-here.jpg").code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
    }

    @Test
    void fetch_missingFileUnderRoot_isNotFound() {
        assertThat(failure(root.resolve("nope.jpg").toUri().toString()).code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND);
    }

    @Test
    void fetch_symlinkInsideRootPointingOut_isForbidden() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("link.jpg"), secret);

        JobFailure f = failure(link.toUri().toString());

        assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
        assertThat(f.getMessage()).contains("outside IMAGEFLEET_FILE_ROOTS");
    }

    @Test
    void fetch_symlinkedDirectoryPointingOut_isForbidden() throws Exception {
        Files.createSymbolicLink(root.resolve("up"), dir);

        assertThat(failure("file://" + root + "/up/secret.txt").code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
    }

    @Test
    void fetch_siblingWithTheRootAsPrefix_isForbidden() throws Exception {
        Path evil = Files.createDirectories(dir.resolve("in-evil"));
        Path file = Files.writeString(evil.resolve("x.jpg"), "x");

        assertThat(failure(file.toUri().toString()).code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
    }

    @Test
    void fetch_devicesAndProcFiles_areForbidden() throws Exception {
        FileSource everywhere = new FileSource(List.of(Path.of("/")), 1024);

        for (String uri : List.of("file:///dev/zero", "file:///proc/self/environ", "file:///dev/urandom")) {
            JobFailure f = catchThrowableOfType(JobFailure.class,
                    () -> everywhere.fetch(URI.create(uri), JobDeadline.after(Duration.ofSeconds(5))));
            assertThat(f.code()).as(uri).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
        }
    }

    @Test
    void fetch_symlinkToDevZeroInsideRoot_isForbidden() throws Exception {
        FileSource devRoot = new FileSource(List.of(root, Path.of("/dev")), 1024);
        Path link = Files.createSymbolicLink(root.resolve("zero.jpg"), Path.of("/dev/zero"));

        JobFailure f = catchThrowableOfType(JobFailure.class,
                () -> devRoot.fetch(link.toUri(), JobDeadline.after(Duration.ofSeconds(5))));

        assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
        assertThat(f.getMessage()).contains("is a system file");
    }

    @Test
    void fetch_fifoUnderRoot_isForbiddenNotRead() throws Exception {
        Path fifo = root.resolve("pipe.jpg");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor()).isZero();

        JobFailure f = failure(fifo.toUri().toString());

        assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_FORBIDDEN);
        assertThat(f.getMessage()).contains("not a regular file");
    }

    @Test
    void fetch_fileOverTheCap_isTooLarge() throws Exception {
        Path big = Files.write(root.resolve("big.jpg"), new byte[2048]);

        JobFailure f = failure(big.toUri().toString());

        assertThat(f.code()).isEqualTo(ErrorCode.SOURCE_TOO_LARGE);
        assertThat(f.getMessage()).contains("2.0 KiB").contains("the limit is 1.0 KiB");
    }
}
