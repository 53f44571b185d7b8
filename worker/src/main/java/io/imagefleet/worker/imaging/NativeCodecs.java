package io.imagefleet.worker.imaging;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The native codec libraries this worker found: libjpeg-turbo's TurboJPEG (fast JPEG decode
 * with DCT scaling), libwebp (WebP output) and libheif (HEIC/HEIF and AVIF input, AVIF output).
 * Each is optional: a missing or unusable library is recorded with the reason, and the worker
 * uses ImageIO + TwelveMonkeys instead (WebP and AVIF outputs fail {@code ENCODE_FAILED}, HEIF
 * and AVIF sources {@code UNSUPPORTED_FORMAT}, each naming the library). Loaded once, by
 * {@code main}, for the life of the JVM. Immutable and thread-safe.
 */
public final class NativeCodecs {
    /** Where to look for TurboJPEG, in order: the Debian/Ubuntu soname, then the generic names. */
    static final List<String> TURBOJPEG_NAMES = List.of("libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.dylib");
    static final List<String> WEBP_NAMES = List.of("libwebp.so.7", "libwebp.so", "libwebp.dylib");
    static final List<String> HEIF_NAMES = List.of("libheif.so.1", "libheif.so", "libheif.dylib");
    static final List<String> WEBP_DEMUX_NAMES = List.of("libwebpdemux.so.2", "libwebpdemux.so", "libwebpdemux.dylib");
    static final List<String> WEBP_MUX_NAMES = List.of("libwebpmux.so.3", "libwebpmux.so", "libwebpmux.dylib");

    private final Optional<TurboJpeg> turboJpeg;
    private final Optional<LibWebp> webp;
    private final Optional<LibHeif> heif;
    private final Optional<LibWebpAnim> webpAnim;
    private final List<String> report;
    private final Optional<MethodHandle> crashForTests;

    private NativeCodecs(Optional<TurboJpeg> turboJpeg, Optional<LibWebp> webp, Optional<LibHeif> heif,
                         Optional<LibWebpAnim> webpAnim, List<String> report, Optional<MethodHandle> crashForTests) {
        this.turboJpeg = turboJpeg;
        this.webp = webp;
        this.heif = heif;
        this.webpAnim = webpAnim;
        this.report = List.copyOf(report);
        this.crashForTests = crashForTests;
    }

    /** No native codecs: the ImageIO + TwelveMonkeys worker. */
    public static NativeCodecs none() {
        return new NativeCodecs(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of("libturbojpeg: not used (IMAGEFLEET_NATIVE=off)", "libwebp: not used (IMAGEFLEET_NATIVE=off)",
                        "libheif: not used (IMAGEFLEET_NATIVE=off)", "libwebpdemux/libwebpmux: not used (IMAGEFLEET_NATIVE=off)"),
                Optional.empty());
    }

    /**
     * Loads every library that can be found.
     *
     * @param required      throw (naming each missing library) unless all of them load
     * @param crashForTests test flag only: make every native JPEG decode crash the JVM in native
     *                      code (to show that a native crash takes down one worker JVM only)
     * @throws Missing when {@code required} and a library is missing
     */
    public static NativeCodecs load(boolean required, boolean crashForTests) {
        List<String> report = new ArrayList<>();
        Optional<TurboJpeg> tj = Optional.empty();
        Optional<LibWebp> webp = Optional.empty();
        List<String> missing = new ArrayList<>();
        Loaded jpeg = open(TURBOJPEG_NAMES);
        if (jpeg.lookup() != null) {
            try {
                TurboJpeg t = TurboJpeg.bind(jpeg.lookup(), jpeg.name());
                tj = Optional.of(t);
                report.add("libturbojpeg: " + t.describe() + "; JPEG decodes natively at reduced size");
            } catch (Throwable e) {
                report.add("libturbojpeg: " + jpeg.name() + " is unusable (" + e.getMessage() + "); JPEG decodes with ImageIO");
                missing.add("libturbojpeg");
            }
        } else {
            report.add("libturbojpeg: not found (" + jpeg.reason() + "); JPEG decodes with ImageIO (install libturbojpeg0)");
            missing.add("libturbojpeg");
        }
        Loaded w = open(WEBP_NAMES);
        if (w.lookup() != null) {
            try {
                LibWebp l = LibWebp.bind(w.lookup(), w.name());
                webp = Optional.of(l);
                report.add("libwebp: " + l.describe() + "; WebP output available");
            } catch (Throwable e) {
                report.add("libwebp: " + w.name() + " is unusable (" + e.getMessage() + "); WebP outputs fail ENCODE_FAILED");
                missing.add("libwebp");
            }
        } else {
            report.add("libwebp: not found (" + w.reason() + "); WebP outputs fail ENCODE_FAILED (install libwebp7)");
            missing.add("libwebp");
        }
        Optional<LibWebpAnim> anim = loadAnim(w, report, missing);
        Optional<LibHeif> heif = Optional.empty();
        Loaded h = open(HEIF_NAMES);
        if (h.lookup() != null) {
            try {
                LibHeif l = LibHeif.bind(h.lookup(), h.name());
                heif = Optional.of(l);
                report.add("libheif: " + l.describe() + "; HEIC/HEIF and AVIF input" + (l.canEncodeAvif()
                        ? ", AVIF output available" : "; no AV1 encoder, so AVIF outputs fail ENCODE_FAILED"));
            } catch (Throwable e) {
                report.add("libheif: " + h.name() + " is unusable (" + e.getMessage()
                        + "); HEIF/AVIF sources fail UNSUPPORTED_FORMAT, AVIF outputs ENCODE_FAILED");
                missing.add("libheif");
            }
        } else {
            report.add("libheif: not found (" + h.reason() + "); HEIF/AVIF sources fail UNSUPPORTED_FORMAT, "
                    + "AVIF outputs ENCODE_FAILED (install libheif1)");
            missing.add("libheif");
        }
        if (required && !missing.isEmpty()) {
            throw new Missing("IMAGEFLEET_NATIVE=required but " + String.join(", ", missing)
                    + " could not be used: " + String.join("; ", report));
        }
        return new NativeCodecs(tj, webp, heif, anim, report, crashForTests ? Optional.of(memset()) : Optional.empty());
    }

    /** libwebpdemux and libwebpmux (animated WebP in and out), which call into libwebp. */
    private static Optional<LibWebpAnim> loadAnim(Loaded webp, List<String> report, List<String> missing) {
        Loaded demux = open(WEBP_DEMUX_NAMES);
        Loaded mux = open(WEBP_MUX_NAMES);
        String consequence = "animated WebP sources keep only their first frame, animated WebP outputs fail ENCODE_FAILED";
        if (webp.lookup() == null || demux.lookup() == null || mux.lookup() == null) {
            report.add("libwebpdemux/libwebpmux: not found (" + (webp.lookup() == null ? "libwebp is missing" : "")
                    + (demux.lookup() == null ? " " + demux.reason() : "") + (mux.lookup() == null ? " " + mux.reason() : "")
                    + "); " + consequence + " (install libwebpdemux2 libwebpmux3)");
            missing.add("libwebpdemux/libwebpmux");
            return Optional.empty();
        }
        try {
            LibWebpAnim a = LibWebpAnim.bind(webp.lookup(), demux.lookup(), mux.lookup(), demux.name() + ", " + mux.name());
            report.add("libwebpdemux/libwebpmux: " + a.describe() + "; animated WebP in and out available");
            return Optional.of(a);
        } catch (Throwable e) {
            report.add("libwebpdemux/libwebpmux: unusable (" + e.getMessage() + "); " + consequence);
            missing.add("libwebpdemux/libwebpmux");
            return Optional.empty();
        }
    }

    /** One line per library: what was found and what the worker does about it. */
    public List<String> report() {
        return report;
    }

    public boolean hasTurboJpeg() {
        return turboJpeg.isPresent();
    }

    public boolean hasWebp() {
        return webp.isPresent();
    }

    public boolean hasHeif() {
        return heif.isPresent();
    }

    Optional<LibHeif> heif() {
        return heif;
    }

    /** Why HEIF input or AVIF output is unavailable, for the messages. */
    String heifMissing() {
        return report.stream().filter(l -> l.startsWith("libheif")).findFirst().orElse("libheif: not loaded");
    }

    Optional<TurboJpeg> turboJpeg() {
        return turboJpeg;
    }

    Optional<LibWebp> webp() {
        return webp;
    }

    public boolean hasWebpAnimation() {
        return webpAnim.isPresent();
    }

    Optional<LibWebpAnim> webpAnim() {
        return webpAnim;
    }

    /** Why animated WebP is unavailable, for the messages. */
    String webpAnimMissing() {
        return report.stream().filter(l -> l.startsWith("libwebpdemux")).findFirst().orElse("libwebpdemux/libwebpmux: not loaded");
    }

    /** Why WebP output is unavailable, for the ENCODE_FAILED message. */
    String webpMissing() {
        return report.stream().filter(l -> l.startsWith("libwebp")).findFirst().orElse("libwebp: not loaded");
    }

    /** Whether {@link #maybeCrashForTests} crashes the JVM (the test flag is on): nothing may decode a JPEG unasked. */
    public boolean crashesForTests() {
        return crashForTests.isPresent();
    }

    /**
     * Test flag only: crashes the JVM in native code (libc writes to an unmapped page), as a
     * decoder bug would. Does nothing unless the worker was started with the flag.
     */
    void maybeCrashForTests() {
        if (crashForTests.isPresent()) {
            try {
                MemorySegment unmapped = MemorySegment.ofAddress(16);
                MemorySegment ignored = (MemorySegment) crashForTests.get().invokeExact(unmapped, 0, 64L);
            } catch (Throwable t) {
                throw new IllegalStateException("the deliberate native crash did not happen", t);
            }
        }
    }

    private static MethodHandle memset() {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find("memset").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG));
    }

    /** Libraries the configuration requires could not be loaded; the message names them and why. */
    public static final class Missing extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Missing(String message) {
            super(message);
        }
    }

    private record Loaded(SymbolLookup lookup, String name, String reason) {
    }

    private static Loaded open(List<String> names) {
        List<String> reasons = new ArrayList<>();
        for (String name : names) {
            try {
                // The global arena: a codec library stays loaded for the life of the worker JVM.
                return new Loaded(SymbolLookup.libraryLookup(name, Arena.global()), name, null);
            } catch (IllegalArgumentException e) {
                reasons.add(name);
            }
        }
        return new Loaded(null, null, "tried " + String.join(", ", reasons));
    }
}
