package io.imagefleet.worker.source;

import io.imagefleet.config.ByteSize;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobDeadline;
import io.imagefleet.worker.kernel.JobFailure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Reads {@code file://} sources that lie under one of the configured roots. The check is made on
 * the real path (symbolic links resolved, {@code ..} gone), so neither links nor encoded dots
 * escape a root, and only regular files are read (never anything under /proc, /sys or /dev).
 * Thread-safe.
 */
public final class FileSource implements Source {
    /** Kernel and device trees: their "files" are endless, secret or both, even under a careless root such as /. */
    private static final List<Path> SYSTEM_TREES = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

    private final PathConfinement roots;
    private final long maxBytes;

    public FileSource(List<Path> roots, long maxBytes) {
        this.roots = new PathConfinement(roots, "IMAGEFLEET_FILE_ROOTS");
        this.maxBytes = maxBytes;
    }

    @Override
    public SourceBytes fetch(URI uri, JobDeadline deadline) throws JobFailure {
        Path requested;
        try {
            requested = Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.INVALID_JOB, "source " + uri + " is not a file path: " + e.getMessage());
        }
        Path real;
        try {
            real = requested.toRealPath();
        } catch (NoSuchFileException e) {
            throw roots.refusal(requested.normalize(), ErrorCode.SOURCE_FORBIDDEN)
                    .orElseGet(() -> new JobFailure(ErrorCode.SOURCE_NOT_FOUND, "source " + requested + " does not exist"));
        } catch (AccessDeniedException e) {
            throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + requested + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "source " + requested + " cannot be read: " + e);
        }
        var refused = roots.refusal(real, ErrorCode.SOURCE_FORBIDDEN);
        if (refused.isPresent()) {
            throw refused.get();
        }
        for (Path system : SYSTEM_TREES) {
            if (real.startsWith(system)) {
                throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + real + " is a system file (under " + system
                        + "), never read as an image");
            }
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + real + " is not a regular file");
            }
            if (attrs.size() > maxBytes) {
                throw tooLarge(real, attrs.size());
            }
            return new SourceBytes(readCapped(real), real.toString());
        } catch (NoSuchFileException e) {
            throw new JobFailure(ErrorCode.SOURCE_NOT_FOUND, "source " + real + " does not exist");
        } catch (AccessDeniedException e) {
            throw new JobFailure(ErrorCode.SOURCE_FORBIDDEN, "source " + real + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.SOURCE_UNAVAILABLE, "source " + real + " cannot be read: " + e);
        }
    }

    /** Reads at most maxBytes, even if the file grows while it is read. */
    private byte[] readCapped(Path file) throws IOException, JobFailure {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(file, bytes.length);
            }
            return bytes;
        }
    }

    private JobFailure tooLarge(Path file, long size) {
        return new JobFailure(ErrorCode.SOURCE_TOO_LARGE, "source " + file + " is " + ByteSize.format(size)
                + "; the limit is " + ByteSize.format(maxBytes) + " (IMAGEFLEET_MAX_SOURCE_BYTES)");
    }
}
