package io.imagefleet.worker.source;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobFailure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A set of directories that paths must lie under, compared by real path and whole name
 * components, so {@code /data/in-evil} is not under {@code /data/in}. Immutable and thread-safe.
 */
public final class PathConfinement {
    private final List<Path> roots;
    private final String settingName;

    public PathConfinement(List<Path> roots, String settingName) {
        List<Path> real = new ArrayList<>();
        for (Path r : roots) {
            try {
                real.add(r.toRealPath());
            } catch (IOException e) {
                // A root that does not exist yet confines by its normalised absolute path.
                real.add(r.toAbsolutePath().normalize());
            }
        }
        this.roots = List.copyOf(real);
        this.settingName = settingName;
    }

    /** Whether the (already real, absolute) path lies under a root. */
    public boolean allows(Path realPath) {
        Path p = realPath.toAbsolutePath().normalize();
        return roots.stream().anyMatch(p::startsWith);
    }

    /** Whether the (already real, absolute) path lies under a root or on the way to one (an ancestor of a root). */
    public boolean allowsOrLeadsTo(Path realPath) {
        Path p = realPath.toAbsolutePath().normalize();
        return allows(p) || roots.stream().anyMatch(r -> r.startsWith(p));
    }

    /** A failure with the given code if the path is not under a root; empty if it is. */
    public Optional<JobFailure> refusal(Path realPath, ErrorCode code) {
        if (allows(realPath)) {
            return Optional.empty();
        }
        if (roots.isEmpty()) {
            return Optional.of(new JobFailure(code, realPath + " is refused: no directory is allowed (set " + settingName + ")"));
        }
        return Optional.of(new JobFailure(code, realPath + " is outside " + settingName + " " + roots));
    }
}
