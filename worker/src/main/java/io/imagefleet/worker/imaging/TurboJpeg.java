package io.imagefleet.worker.imaging;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libjpeg-turbo's TurboJPEG API through the foreign-function API: JPEG header reading and
 * decompression straight to a reduced size (1/8 to 1 in eighths, inside the inverse DCT) into
 * a Java {@code int[]} of 0xRRGGBB pixels, with no copy. Works with the 3.x API (tj3*, used when
 * the library has it) and the 2.x API that Debian 12's libturbojpeg0 has.
 *
 * <p>The header and decompress calls read the JPEG from, and write the pixels to, Java arrays
 * ("critical" downcalls with heap access: the thread does not leave Java, so a GC waits for the
 * call to end; a decode at reduced size takes tens of milliseconds). A decompressor handle is
 * made and destroyed per call, so nothing native outlives a call on any path. Progressive JPEGs
 * with an unreasonable number of scans are refused (the 2.x scan limit, 3.x TJPARAM_SCANLIMIT).
 * Thread-safe.
 */
final class TurboJpeg {
    static final int CS_RGB = 0;
    static final int CS_YCBCR = 1;
    static final int CS_GRAY = 2;
    private static final int TJPF_BGRX = 3;
    private static final int TJPF_XRGB = 5;
    private static final int TJERR_WARNING = 0;
    private static final int TJFLAG_LIMITSCANS = 32768;
    private static final int TJINIT_DECOMPRESS = 1;
    private static final int TJPARAM_STOPONWARNING = 0;
    private static final int TJPARAM_JPEGWIDTH = 5;
    private static final int TJPARAM_JPEGHEIGHT = 6;
    private static final int TJPARAM_COLORSPACE = 8;
    private static final int TJPARAM_SCANLIMIT = 13;
    private static final int TJPARAM_SUBSAMP = 4;
    /** The scan limit of the 2.x flag, applied to 3.x too. */
    private static final int SCAN_LIMIT = 500;
    private static final int ERROR_LENGTH = 200;
    private static final MemoryLayout SCALING_FACTOR = MemoryLayout.structLayout(JAVA_INT.withName("num"),
            JAVA_INT.withName("denom"));

    /** What a JPEG header says. */
    record Header(int width, int height, int chromaSubsampling, int colorspace) {
        /** Whether the pixels come out as RGB from this library (not CMYK or YCCK). */
        boolean rgbLike() {
            return colorspace == CS_RGB || colorspace == CS_YCBCR || colorspace == CS_GRAY;
        }
    }

    /** The outcome of a decode: empty when clean, else the library's warning (the image is complete but may be damaged). */
    record Decoded(Optional<String> warning) {
    }

    private final boolean v3;
    private final String libraryName;
    private final List<int[]> scalingFactors;
    private final MethodHandle init;
    private final MethodHandle destroy;
    private final MethodHandle header;
    private final MethodHandle decompress;
    private final MethodHandle errorStr;
    private final MethodHandle errorCode;
    private final MethodHandle get;
    private final MethodHandle set;
    private final MethodHandle setScalingFactor;
    private final int pixelFormat = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? TJPF_BGRX : TJPF_XRGB;

    private TurboJpeg(SymbolLookup lib, String libraryName) throws Throwable {
        Linker linker = Linker.nativeLinker();
        Linker.Option heap = Linker.Option.critical(true);
        this.libraryName = libraryName;
        this.v3 = lib.find("tj3Init").isPresent();
        if (v3) {
            init = linker.downcallHandle(find(lib, "tj3Init"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
            destroy = linker.downcallHandle(find(lib, "tj3Destroy"), FunctionDescriptor.ofVoid(ADDRESS));
            header = linker.downcallHandle(find(lib, "tj3DecompressHeader"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), heap);
            decompress = linker.downcallHandle(find(lib, "tj3Decompress8"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT), heap);
            errorStr = linker.downcallHandle(find(lib, "tj3GetErrorStr"), FunctionDescriptor.of(ADDRESS, ADDRESS));
            errorCode = linker.downcallHandle(find(lib, "tj3GetErrorCode"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
            get = linker.downcallHandle(find(lib, "tj3Get"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            set = linker.downcallHandle(find(lib, "tj3Set"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
            setScalingFactor = linker.downcallHandle(find(lib, "tj3SetScalingFactor"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, SCALING_FACTOR));
            scalingFactors = readScalingFactors(linker, find(lib, "tj3GetScalingFactors"));
        } else {
            init = linker.downcallHandle(find(lib, "tjInitDecompress"), FunctionDescriptor.of(ADDRESS));
            destroy = linker.downcallHandle(find(lib, "tjDestroy"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
            header = linker.downcallHandle(find(lib, "tjDecompressHeader3"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS), heap);
            decompress = linker.downcallHandle(find(lib, "tjDecompress2"), FunctionDescriptor.of(JAVA_INT,
                    ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), heap);
            errorStr = linker.downcallHandle(find(lib, "tjGetErrorStr2"), FunctionDescriptor.of(ADDRESS, ADDRESS));
            errorCode = linker.downcallHandle(find(lib, "tjGetErrorCode"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
            get = null;
            set = null;
            setScalingFactor = null;
            scalingFactors = readScalingFactors(linker, find(lib, "tjGetScalingFactors"));
        }
    }

    /** Binds the library found by the lookup; throws when a function it needs is missing. */
    static TurboJpeg bind(SymbolLookup lib, String libraryName) throws Throwable {
        return new TurboJpeg(lib, libraryName);
    }

    /** For people: the library file and the API generation used. */
    String describe() {
        return libraryName + " (TurboJPEG " + (v3 ? "3.x" : "2.x") + " API, scaling " + scalingDescription() + ")";
    }

    private String scalingDescription() {
        List<String> s = new ArrayList<>();
        for (int[] f : scalingFactors) {
            if (f[0] <= f[1]) {
                s.add(f[0] + "/" + f[1]);
            }
        }
        return String.join(" ", s);
    }

    /**
     * The smallest supported reduction num/denom (num &lt;= denom) that is at least {@code 1 /
     * maxFactor}, so that the decoded image keeps what the plan needs; {1, 1} when there is none.
     */
    int[] scaleFor(int maxFactor) {
        int[] best = {1, 1};
        for (int[] f : scalingFactors) {
            boolean reduces = f[0] <= f[1];
            boolean enough = (long) f[0] * maxFactor >= f[1];
            if (reduces && enough && (long) f[0] * best[1] < (long) best[0] * f[1]) {
                best = f;
            }
        }
        return best;
    }

    static int scaled(int dim, int[] factor) {
        return (int) (((long) dim * factor[0] + factor[1] - 1) / factor[1]);
    }

    /** Reads the header. */
    Header header(byte[] jpeg) throws NativeCodecException {
        MemorySegment handle = newHandle();
        try (Arena arena = Arena.ofConfined()) {
            if (v3) {
                int rc = (int) header.invokeExact(handle, MemorySegment.ofArray(jpeg), (long) jpeg.length);
                if (rc != 0) {
                    throw new NativeCodecException(error(handle));
                }
                return new Header((int) get.invokeExact(handle, TJPARAM_JPEGWIDTH), (int) get.invokeExact(handle, TJPARAM_JPEGHEIGHT),
                        (int) get.invokeExact(handle, TJPARAM_SUBSAMP), (int) get.invokeExact(handle, TJPARAM_COLORSPACE));
            }
            MemorySegment ints = arena.allocate(JAVA_INT, 4);
            int rc = (int) header.invokeExact(handle, MemorySegment.ofArray(jpeg), (long) jpeg.length,
                    ints, ints.asSlice(4), ints.asSlice(8), ints.asSlice(12));
            if (rc != 0) {
                throw new NativeCodecException(error(handle));
            }
            return new Header(ints.getAtIndex(JAVA_INT, 0), ints.getAtIndex(JAVA_INT, 1), ints.getAtIndex(JAVA_INT, 2),
                    ints.getAtIndex(JAVA_INT, 3));
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("TurboJPEG header call failed: " + t, t);
        } finally {
            destroy(handle);
        }
    }

    /**
     * Decompresses at {@code factor} (num/denom) into {@code dst}, which holds exactly the scaled
     * width x height pixels as 0xRRGGBB ints.
     *
     * @throws NativeCodecException on a fatal error (the image could not be decoded)
     */
    Decoded decode(byte[] jpeg, int[] factor, int[] dst, int width, int height) throws NativeCodecException {
        if ((long) width * height != dst.length) {
            throw new IllegalArgumentException("destination holds " + dst.length + " pixels, not " + width + "x" + height);
        }
        MemorySegment handle = newHandle();
        try (Arena arena = Arena.ofConfined()) {
            int rc;
            if (v3) {
                int ignored = (int) set.invokeExact(handle, TJPARAM_STOPONWARNING, 0);
                ignored = (int) set.invokeExact(handle, TJPARAM_SCANLIMIT, SCAN_LIMIT);
                int hr = (int) header.invokeExact(handle, MemorySegment.ofArray(jpeg), (long) jpeg.length);
                if (hr != 0) {
                    throw new NativeCodecException(error(handle));
                }
                MemorySegment sf = arena.allocate(SCALING_FACTOR);
                sf.set(JAVA_INT, 0, factor[0]);
                sf.set(JAVA_INT, 4, factor[1]);
                int sr = (int) setScalingFactor.invokeExact(handle, sf);
                if (sr != 0) {
                    throw new NativeCodecException(error(handle));
                }
                rc = (int) decompress.invokeExact(handle, MemorySegment.ofArray(jpeg), (long) jpeg.length,
                        MemorySegment.ofArray(dst), width * 4, pixelFormat);
            } else {
                rc = (int) decompress.invokeExact(handle, MemorySegment.ofArray(jpeg), (long) jpeg.length,
                        MemorySegment.ofArray(dst), width, width * 4, height, pixelFormat, TJFLAG_LIMITSCANS);
            }
            if (rc == 0) {
                return new Decoded(Optional.empty());
            }
            String message = error(handle);
            if ((int) errorCode.invokeExact(handle) == TJERR_WARNING) {
                return new Decoded(Optional.of(message));
            }
            throw new NativeCodecException(message);
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("TurboJPEG decompress call failed: " + t, t);
        } finally {
            destroy(handle);
        }
    }

    private MemorySegment newHandle() throws NativeCodecException {
        try {
            MemorySegment h = v3 ? (MemorySegment) init.invokeExact(TJINIT_DECOMPRESS) : (MemorySegment) init.invokeExact();
            if (h.equals(MemorySegment.NULL)) {
                throw new NativeCodecException("TurboJPEG could not make a decompressor");
            }
            return h;
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("TurboJPEG init failed: " + t, t);
        }
    }

    private void destroy(MemorySegment handle) {
        try {
            if (v3) {
                destroy.invokeExact(handle);
            } else {
                int ignored = (int) destroy.invokeExact(handle);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("TurboJPEG destroy failed", t);
        }
    }

    private String error(MemorySegment handle) throws Throwable {
        MemorySegment s = (MemorySegment) errorStr.invokeExact(handle);
        return s.equals(MemorySegment.NULL) ? "unknown TurboJPEG error" : s.reinterpret(ERROR_LENGTH).getString(0);
    }

    private static List<int[]> readScalingFactors(Linker linker, MemorySegment fn) throws Throwable {
        MethodHandle h = linker.downcallHandle(fn, FunctionDescriptor.of(ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            MemorySegment array = (MemorySegment) h.invokeExact(count);
            int n = count.get(JAVA_INT, 0);
            if (array.equals(MemorySegment.NULL) || n <= 0 || n > 64) {
                return List.of(new int[] {1, 1});
            }
            MemorySegment all = array.reinterpret(8L * n);
            List<int[]> factors = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                factors.add(new int[] {all.get(JAVA_INT, 8L * i), all.get(JAVA_INT, 8L * i + 4)});
            }
            return List.copyOf(factors);
        }
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the TurboJPEG library"));
    }
}
