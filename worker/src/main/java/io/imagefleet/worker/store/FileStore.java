package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.pipeline.JobFailure;
import io.imagefleet.worker.source.PathConfinement;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * Writes outputs to {@code file://} directories under the configured output roots: to a
 * temporary file in the same directory, then an atomic rename over the final name. Thread-safe.
 */
public final class FileStore implements OutputStore {
    private final PathConfinement roots;

    public FileStore(List<Path> roots) {
        this.roots = new PathConfinement(roots, "IMAGEFLEET_OUTPUT_ROOTS");
    }

    @Override
    public URI store(URI target, String fileName, byte[] bytes) throws JobFailure {
        Path dir;
        try {
            dir = Path.of(target).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.INVALID_JOB, "target " + target + " is not a directory path: " + e.getMessage());
        }
        var refused = roots.refusal(dir, ErrorCode.OUTPUT_FORBIDDEN);
        if (refused.isPresent()) {
            throw refused.get();
        }
        try {
            Files.createDirectories(dir);
            Path real = dir.toRealPath();
            refused = roots.refusal(real, ErrorCode.OUTPUT_FORBIDDEN);
            if (refused.isPresent()) {
                throw refused.get();
            }
            Path file = real.resolve(fileName);
            // A unique hidden name beside the target; created with the process umask, like any output.
            Path tmp = real.resolve("." + fileName + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return file.toUri();
        } catch (AccessDeniedException e) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "output " + fileName + " cannot be written to " + dir
                    + ": permission denied");
        } catch (FileSystemException e) {
            throw new JobFailure(ErrorCode.OUTPUT_FAILED, "output " + fileName + " cannot be written to " + dir + ": " + e.getMessage());
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.OUTPUT_FAILED, "output " + fileName + " cannot be written to " + dir + ": " + e);
        }
    }
}
