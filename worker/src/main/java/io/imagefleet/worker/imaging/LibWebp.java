package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libwebp's advanced encoding API through the foreign-function API: 8-bit sRGB pixels, with or
 * without alpha, to lossy (quality 0-100) or lossless WebP, with the settings of libwebp's simple
 * API ({@code WebPEncodeBGRA}: the default preset; lossless at effort 70) and a progress hook
 * that stops the encode once the job's deadline has passed (a 24 MP lossy encode takes about
 * 16 s here, and reports progress every few rows). The pixels are copied into a confined arena
 * for the call (an encode can take long, so it does not hold the thread in Java as a heap-access
 * call would), and the library's output buffer is copied out and freed on every path. Struct
 * offsets are those of libwebp 1.2.4's {@code encode.h}. Thread-safe.
 */
final class LibWebp {
    private static final int ENCODER_ABI_VERSION = 0x020f;
    private static final long PICTURE_BYTES = 512;      // 256 in 1.2.4; libwebp fills what it knows
    private static final long CONFIG_BYTES = 256;       // 124 in 1.2.4
    private static final long PICTURE_USE_ARGB = 0;
    private static final long PICTURE_WIDTH = 8;
    private static final long PICTURE_HEIGHT = 12;
    private static final long PICTURE_WRITER = 96;
    private static final long PICTURE_CUSTOM_PTR = 104;
    private static final long PICTURE_ERROR_CODE = 136;
    private static final long PICTURE_PROGRESS_HOOK = 144;
    private static final long CONFIG_LOSSLESS = 0;
    private static final int USER_ABORT = 10;           // VP8_ENC_ERROR_USER_ABORT
    /** The lossless effort of libwebp's simple API. */
    private static final float LOSSLESS_EFFORT = 70f;

    private final String libraryName;
    private final int version;
    private final MethodHandle configInit;
    private final MethodHandle pictureInit;
    private final MethodHandle importBgra;
    private final MethodHandle pictureFree;
    private final MethodHandle encode;
    private final MethodHandle writerInit;
    private final MethodHandle writerClear;
    private final MemorySegment memoryWrite;
    private final MethodHandle progress;

    private LibWebp(SymbolLookup lib, String libraryName) throws Throwable {
        Linker linker = Linker.nativeLinker();
        this.libraryName = libraryName;
        MethodHandle versionFn = linker.downcallHandle(find(lib, "WebPGetEncoderVersion"), FunctionDescriptor.of(JAVA_INT));
        this.version = (int) versionFn.invokeExact();
        this.configInit = linker.downcallHandle(find(lib, "WebPConfigInitInternal"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, JAVA_INT));
        this.pictureInit = linker.downcallHandle(find(lib, "WebPPictureInitInternal"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        this.importBgra = linker.downcallHandle(find(lib, "WebPPictureImportBGRA"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        this.pictureFree = linker.downcallHandle(find(lib, "WebPPictureFree"), FunctionDescriptor.ofVoid(ADDRESS));
        this.encode = linker.downcallHandle(find(lib, "WebPEncode"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        this.writerInit = linker.downcallHandle(find(lib, "WebPMemoryWriterInit"), FunctionDescriptor.ofVoid(ADDRESS));
        this.writerClear = linker.downcallHandle(find(lib, "WebPMemoryWriterClear"), FunctionDescriptor.ofVoid(ADDRESS));
        this.memoryWrite = find(lib, "WebPMemoryWrite");
        this.progress = MethodHandles.lookup().findStatic(LibWebp.class, "progress",
                MethodType.methodType(int.class, JobDeadline.class, int.class, MemorySegment.class));
    }

    static LibWebp bind(SymbolLookup lib, String libraryName) throws Throwable {
        return new LibWebp(lib, libraryName);
    }

    String describe() {
        return libraryName + " (encoder " + (version >> 16) + "." + ((version >> 8) & 0xff) + "." + (version & 0xff) + ")";
    }

    /** Encodes without a deadline (for tools and tests). */
    byte[] encode(int[] argb, int width, int height, float quality, boolean lossless) throws NativeCodecException {
        return encode(argb, width, height, quality, lossless, null);
    }

    /**
     * Encodes {@code argb} (0xAARRGGBB, alpha 0xff where the image is opaque), width x height.
     *
     * @param quality  0-100, for lossy encoding
     * @param deadline polled by the encoder's progress reports; past it the encode stops and this
     *                 throws (the caller's deadline check then fails the job TIMEOUT); null for none
     */
    byte[] encode(int[] argb, int width, int height, float quality, boolean lossless, JobDeadline deadline)
            throws NativeCodecException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = arena.allocate(CONFIG_BYTES, 8);
            MemorySegment pic = arena.allocate(PICTURE_BYTES, 8);
            MemorySegment writer = arena.allocate(64, 8);
            if ((int) configInit.invokeExact(config, 0, lossless ? LOSSLESS_EFFORT : quality, ENCODER_ABI_VERSION) == 0
                    || (int) pictureInit.invokeExact(pic, ENCODER_ABI_VERSION) == 0) {
                throw new NativeCodecException("libwebp refused its config or picture (ABI version " + ENCODER_ABI_VERSION + ")");
            }
            config.set(JAVA_INT, CONFIG_LOSSLESS, lossless ? 1 : 0);
            pic.set(JAVA_INT, PICTURE_USE_ARGB, lossless ? 1 : 0);
            pic.set(JAVA_INT, PICTURE_WIDTH, width);
            pic.set(JAVA_INT, PICTURE_HEIGHT, height);
            pic.set(ADDRESS, PICTURE_WRITER, memoryWrite);
            pic.set(ADDRESS, PICTURE_CUSTOM_PTR, writer);
            if (deadline != null) {
                pic.set(ADDRESS, PICTURE_PROGRESS_HOOK, Linker.nativeLinker().upcallStub(
                        MethodHandles.insertArguments(progress, 0, deadline), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS),
                        arena));
            }
            writerInit.invokeExact(writer);
            // 0xAARRGGBB ints are B, G, R, A bytes in little-endian memory: libwebp's BGRA.
            MemorySegment pixels = arena.allocate(4L * argb.length, 4);
            MemorySegment.copy(argb, 0, pixels, JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN), 0, argb.length);
            try {
                boolean ok = (int) importBgra.invokeExact(pic, pixels, width * 4) != 0
                        && (int) encode.invokeExact(config, pic) != 0;
                if (!ok) {
                    int error = pic.get(JAVA_INT, PICTURE_ERROR_CODE);
                    throw new NativeCodecException(error == USER_ABORT ? "libwebp stopped the encode at the deadline"
                            : "libwebp could not encode the " + width + "x" + height + " image (error " + error + ")");
                }
                MemorySegment mem = writer.get(ADDRESS, 0);
                long size = writer.get(JAVA_LONG, 8);
                return mem.reinterpret(size).toArray(JAVA_BYTE);
            } finally {
                pictureFree.invokeExact(pic);
                writerClear.invokeExact(writer);
            }
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("libwebp encode call failed: " + t, t);
        }
    }

    /** libwebp's progress hook: 0 stops the encode. Called on the encoding thread; must not throw. */
    private static int progress(JobDeadline deadline, int percent, MemorySegment picture) {
        return deadline.expired() ? 0 : 1;
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the WebP library"));
    }
}
