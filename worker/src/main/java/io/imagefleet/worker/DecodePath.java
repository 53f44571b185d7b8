package io.imagefleet.worker;

import io.imagefleet.worker.imaging.NativeCodecs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which decode path the worker JVMs on this machine run, for the first lines of {@code demo},
 * {@code worker}, {@code bench} and {@code doctor}: JPEG through libjpeg-turbo (the native codecs),
 * or through ImageIO because the library is missing, with the one command that installs what is
 * missing and what it is worth, or because {@code IMAGEFLEET_NATIVE=off} says so. Immutable.
 *
 * @param missing the native libraries that could not be loaded (libturbojpeg, libwebp, libheif,
 *                libwebpdemux/libwebpmux: animated WebP in and out, which {@code IMAGEFLEET_NATIVE=required} needs too)
 * @param off     {@code IMAGEFLEET_NATIVE=off}: native codecs not even looked for
 * @param report  one line per library, as the worker logs it
 * @param install the command that installs the missing libraries here, when this system's package manager is known
 */
public record DecodePath(Set<String> missing, boolean off, List<String> report, Optional<String> install) {
    /** The animated WebP libraries, loaded (and missed) as a pair, as {@link NativeCodecs} names them. */
    static final String WEBP_ANIMATION = "libwebpdemux/libwebpmux";
    /** Measured on the development machine: the native path against ImageIO (docs/native-codecs.md). */
    static final String WORTH = "about 5x the JPEG throughput";
    /** The packages that provide each library, per package manager. */
    private static final Map<String, Map<String, String>> PACKAGES = Map.of(
            "apt-get", Map.of("libturbojpeg", "libturbojpeg0", "libwebp", "libwebp7", "libheif", "libheif1",
                    WEBP_ANIMATION, "libwebpdemux2 libwebpmux3"),
            // Fedora's libwebp package holds libwebpdemux and libwebpmux too.
            "dnf", Map.of("libturbojpeg", "turbojpeg", "libwebp", "libwebp", "libheif", "libheif", WEBP_ANIMATION, "libwebp"),
            "apk", Map.of("libturbojpeg", "libjpeg-turbo", "libwebp", "libwebp", "libheif", "libheif",
                    WEBP_ANIMATION, "libwebpdemux libwebpmux"));
    private static final List<String> LIBRARIES = List.of("libturbojpeg", "libwebp", "libheif", WEBP_ANIMATION);

    public DecodePath {
        missing = Set.copyOf(missing);
        report = List.copyOf(report);
    }

    /** Looks at this machine as a worker JVM would, honouring {@code IMAGEFLEET_NATIVE=off}. */
    public static DecodePath detect(Map<String, String> env) {
        if ("off".equalsIgnoreCase(env.getOrDefault("IMAGEFLEET_NATIVE", "").trim())) {
            return new DecodePath(Set.of(), true, NativeCodecs.none().report(), Optional.empty());
        }
        return of(NativeCodecs.load(false, false), osRelease(Path.of("/etc/os-release")));
    }

    /** The path for these loaded codecs on a system described by these os-release fields. */
    static DecodePath of(NativeCodecs natives, Map<String, String> osRelease) {
        Set<String> missing = new java.util.LinkedHashSet<>();
        if (!natives.hasTurboJpeg()) {
            missing.add("libturbojpeg");
        }
        if (!natives.hasWebp()) {
            missing.add("libwebp");
        }
        if (!natives.hasHeif()) {
            missing.add("libheif");
        }
        if (!natives.hasWebpAnimation()) {
            missing.add(WEBP_ANIMATION);
        }
        return new DecodePath(missing, false, natives.report(), installCommand(missing, osRelease));
    }

    /** Whether JPEGs decode through libjpeg-turbo. */
    public boolean nativeJpeg() {
        return !off && !missing.contains("libturbojpeg");
    }

    /** What to print first: the decode path and, when libraries are missing, how to get them and why. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        if (off) {
            lines.add("decode path: ImageIO (IMAGEFLEET_NATIVE=off): JPEG decodes without libjpeg-turbo");
            return lines;
        }
        if (nativeJpeg()) {
            lines.add("decode path: native: JPEG decodes with libjpeg-turbo at reduced size"
                    + (missing.isEmpty() ? "" : "; missing " + String.join(", ", ordered(missing))));
        } else {
            lines.add("decode path: ImageIO: libjpeg-turbo's libturbojpeg was not found, so JPEG decodes "
                    + "without it; installed, it gives " + WORTH + " (docs/native-codecs.md)");
        }
        if (!missing.isEmpty()) {
            lines.add(install.map(c -> "  install the native codecs: " + c)
                    .orElse("  install the native codecs with this system's package manager: libjpeg-turbo's TurboJPEG "
                            + "(libturbojpeg.so.0), libwebp, libheif, libwebpdemux and libwebpmux"));
        }
        return lines;
    }

    static Optional<String> installCommand(Set<String> missing, Map<String, String> osRelease) {
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        Set<String> family = Arrays.stream((osRelease.getOrDefault("ID", "") + " " + osRelease.getOrDefault("ID_LIKE", ""))
                .toLowerCase(Locale.ROOT).split("\\s+")).collect(Collectors.toSet());
        String manager = family.contains("debian") || family.contains("ubuntu") ? "apt-get"
                : family.contains("fedora") || family.contains("rhel") || family.contains("centos") ? "dnf"
                : family.contains("alpine") ? "apk" : null;
        if (manager == null) {
            return Optional.empty();
        }
        String packages = ordered(missing).stream().map(PACKAGES.get(manager)::get).distinct().collect(Collectors.joining(" "));
        return Optional.of(switch (manager) {
            case "apt-get" -> "sudo apt-get install -y " + packages;
            case "dnf" -> "sudo dnf install -y " + packages;
            default -> "sudo apk add " + packages;
        });
    }

    private static List<String> ordered(Set<String> libraries) {
        return LIBRARIES.stream().filter(libraries::contains).toList();
    }

    /** The KEY=value fields of an os-release file (quotes removed); empty when there is none. */
    static Map<String, String> osRelease(Path file) {
        if (!Files.isReadable(file)) {
            return Map.of();
        }
        try {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    fields.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim().replaceAll("^[\"']|[\"']$", ""));
                }
            }
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
