package io.imagefleet.worker.imaging;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libwebp's simple encoding API through the foreign-function API: 8-bit sRGB pixels, with or
 * without alpha, to lossy (quality 0-100) or lossless WebP. The pixels are copied into a
 * confined arena for the call (an encode can take long, so it does not hold the thread in Java
 * as a heap-access call would), and the library's output buffer is copied out and given back
 * with {@code WebPFree} on every path. Thread-safe.
 */
final class LibWebp {
    private final String libraryName;
    private final int version;
    private final MethodHandle encodeBgra;
    private final MethodHandle encodeLosslessBgra;
    private final MethodHandle free;

    private LibWebp(SymbolLookup lib, String libraryName) throws Throwable {
        Linker linker = Linker.nativeLinker();
        this.libraryName = libraryName;
        MethodHandle versionFn = linker.downcallHandle(find(lib, "WebPGetEncoderVersion"), FunctionDescriptor.of(JAVA_INT));
        this.version = (int) versionFn.invokeExact();
        this.encodeBgra = linker.downcallHandle(find(lib, "WebPEncodeBGRA"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS));
        this.encodeLosslessBgra = linker.downcallHandle(find(lib, "WebPEncodeLosslessBGRA"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        this.free = linker.downcallHandle(find(lib, "WebPFree"), FunctionDescriptor.ofVoid(ADDRESS));
    }

    static LibWebp bind(SymbolLookup lib, String libraryName) throws Throwable {
        return new LibWebp(lib, libraryName);
    }

    String describe() {
        return libraryName + " (encoder " + (version >> 16) + "." + ((version >> 8) & 0xff) + "." + (version & 0xff) + ")";
    }

    /**
     * Encodes {@code argb} (0xAARRGGBB, alpha 0xff where the image is opaque), width x height.
     *
     * @param quality 0-100, for lossy encoding
     */
    byte[] encode(int[] argb, int width, int height, float quality, boolean lossless) throws NativeCodecException {
        try (Arena arena = Arena.ofConfined()) {
            // 0xAARRGGBB ints are B, G, R, A bytes in little-endian memory: libwebp's BGRA.
            MemorySegment pixels = arena.allocate(4L * argb.length, 4);
            MemorySegment.copy(argb, 0, pixels, JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN), 0, argb.length);
            MemorySegment out = arena.allocate(ADDRESS);
            long size = lossless
                    ? (long) encodeLosslessBgra.invokeExact(pixels, width, height, width * 4, out)
                    : (long) encodeBgra.invokeExact(pixels, width, height, width * 4, quality, out);
            MemorySegment result = out.get(ADDRESS, 0);
            try {
                if (size == 0 || result.equals(MemorySegment.NULL)) {
                    throw new NativeCodecException("libwebp could not encode the " + width + "x" + height + " image");
                }
                return result.reinterpret(size).toArray(JAVA_BYTE);
            } finally {
                if (!result.equals(MemorySegment.NULL)) {
                    free.invokeExact(result);
                }
            }
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("libwebp encode call failed: " + t, t);
        }
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the WebP library"));
    }
}
