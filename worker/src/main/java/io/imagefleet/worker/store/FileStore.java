package io.imagefleet.worker.store;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;
import io.imagefleet.worker.source.PathConfinement;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * Writes outputs to {@code file://} directories under the configured output roots: to a
 * temporary file in the same directory, then an atomic rename over the final name. The target
 * is checked by real path before anything is created: the deepest existing ancestor is resolved
 * (symbolic links followed) and must lie under a root, and every directory created below it is
 * checked again, so neither {@code ..} nor a link inside a root leads a write outside it.
 * Thread-safe.
 */
public final class FileStore implements OutputStore {
    private final PathConfinement roots;

    public FileStore(List<Path> roots) {
        this.roots = new PathConfinement(roots, "IMAGEFLEET_OUTPUT_ROOTS");
    }

    @Override
    public URI store(URI target, StoredOutput output, JobDeadline deadline) throws JobFailure {
        String fileName = output.fileName();
        byte[] bytes = output.bytes();
        Path dir;
        try {
            dir = Path.of(target).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.INVALID_JOB, "target " + target + " is not a directory path: " + e.getMessage());
        }
        try {
            Path real = confinedDirectory(dir);
            Path file = real.resolve(fileName);
            // A unique hidden name beside the target; created with the process umask, like any output.
            Path tmp = real.resolve("." + fileName + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                // A rename replaces a link at the final name itself; it never writes through it.
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

    /** The real path of the target directory, created if needed, never outside the roots. */
    private Path confinedDirectory(Path dir) throws IOException, JobFailure {
        var refused = roots.refusal(dir, ErrorCode.OUTPUT_FORBIDDEN);
        if (refused.isPresent()) {
            throw refused.get();
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, dir + " has no existing ancestor");
        }
        // Walk down from the deepest existing ancestor, creating what is missing; every step's
        // real path must stay under a root (or on the way to one not made yet).
        Path real = existing.toRealPath();
        checkOnTheWay(real, dir);
        for (Path part : existing.equals(dir) ? List.<Path>of() : existing.relativize(dir)) {
            Path next = real.resolve(part);
            try {
                Files.createDirectory(next);
            } catch (FileAlreadyExistsException e) {
                // Made meanwhile by another job; checked below like any other directory.
            }
            real = next.toRealPath();
            checkOnTheWay(real, dir);
        }
        var outside = roots.refusal(real, ErrorCode.OUTPUT_FORBIDDEN);
        if (outside.isPresent()) {
            throw outside.get();
        }
        if (!Files.isDirectory(real)) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "target " + real + " is not a directory");
        }
        return real;
    }

    private void checkOnTheWay(Path real, Path target) throws JobFailure {
        if (!roots.allowsOrLeadsTo(real)) {
            throw new JobFailure(ErrorCode.OUTPUT_FORBIDDEN, "target " + target + " leads to " + real
                    + ", outside IMAGEFLEET_OUTPUT_ROOTS");
        }
    }
}
