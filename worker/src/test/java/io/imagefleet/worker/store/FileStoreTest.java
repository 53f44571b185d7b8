package io.imagefleet.worker.store;

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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FileStoreTest {
    @TempDir
    Path dir;
    Path root;
    Path outside;
    FileStore store;

    @BeforeEach
    void setUp() throws Exception {
        root = dir.resolve("out");
        outside = Files.createDirectories(dir.resolve("elsewhere"));
        store = new FileStore(List.of(root));
    }

    private JobFailure failure(String target) {
        return catchThrowableOfType(JobFailure.class, () -> store.store(URI.create(target), new StoredOutput("job", "a-thumb.jpg", new byte[] {1, 2}),
                JobDeadline.after(Duration.ofSeconds(5))));
    }

    @Test
    void store_newSubdirectoryOfAMissingRoot_createsItAndWritesAtomically() throws Exception {
        URI uri = store.store(URI.create("file://" + root + "/2024/06/"), new StoredOutput("job", "a-thumb.jpg", new byte[] {1, 2, 3}),
                JobDeadline.after(Duration.ofSeconds(5)));

        Path file = Path.of(uri);
        assertThat(file).hasBinaryContent(new byte[] {1, 2, 3});
        assertThat(file.getParent()).isEqualTo(root.resolve("2024/06"));
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void store_sameNameTwice_replacesTheFile() throws Exception {
        JobDeadline d = JobDeadline.after(Duration.ofSeconds(5));
        store.store(root.toUri(), new StoredOutput("job", "a.png", new byte[] {1}), d);
        URI uri = store.store(root.toUri(), new StoredOutput("job", "a.png", new byte[] {2, 2}), d);

        assertThat(Path.of(uri)).hasBinaryContent(new byte[] {2, 2});
    }

    @Test
    void store_dotDotOutOfRoot_isForbiddenAndCreatesNothing() {
        JobFailure f = failure("file://" + root + "/../elsewhere/new/");

        assertThat(f.code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
        assertThat(outside.resolve("new")).doesNotExist();
    }

    @Test
    void store_symlinkInsideRootPointingOut_isForbiddenAndCreatesNothingOutside() throws Exception {
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("link"), outside);

        JobFailure f = failure("file://" + root + "/link/sub/");

        assertThat(f.code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
        assertThat(f.getMessage()).contains("outside IMAGEFLEET_OUTPUT_ROOTS");
        assertThat(outside.resolve("sub")).doesNotExist();
        assertThat(outside.resolve("a-thumb.jpg")).doesNotExist();
    }

    @Test
    void store_symlinkAtTheFinalName_isReplacedNotWrittenThrough() throws Exception {
        Files.createDirectories(root);
        Path victim = Files.writeString(outside.resolve("victim.txt"), "keep");
        Files.createSymbolicLink(root.resolve("a-thumb.jpg"), victim);

        URI uri = store.store(root.toUri(), new StoredOutput("job", "a-thumb.jpg", new byte[] {9}), JobDeadline.after(Duration.ofSeconds(5)));

        assertThat(victim).hasContent("keep");
        assertThat(Files.isSymbolicLink(Path.of(uri))).isFalse();
        assertThat(Path.of(uri)).hasBinaryContent(new byte[] {9});
    }

    @Test
    void store_siblingWithTheRootAsPrefix_isForbidden() {
        assertThat(failure("file://" + dir + "/out-evil/").code()).isEqualTo(ErrorCode.OUTPUT_FORBIDDEN);
    }
}
