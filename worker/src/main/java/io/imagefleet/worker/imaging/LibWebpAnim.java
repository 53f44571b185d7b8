package io.imagefleet.worker.imaging;

import io.imagefleet.worker.kernel.JobDeadline;

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
 * Animated WebP through the foreign-function API: libwebpdemux's {@code WebPDemux} (the header:
 * canvas, loop count, frame count, without decoding) and {@code WebPAnimDecoder} (each frame as
 * the full canvas after blending and disposal), and libwebpmux's {@code WebPAnimEncoder} (frames
 * with their timestamps to an animated WebP, lossy or lossless), with libwebp's
 * {@code WebPConfig}/{@code WebPPicture} for the per-frame settings. Struct offsets and ABI
 * versions are those of libwebp 1.2.4's {@code demux.h}, {@code mux.h} and {@code encode.h}
 * (the versions only have to agree in their major byte). Thread-safe; the decoder and encoder
 * objects it makes are used by one thread.
 *
 * <p>Longer than most classes here (about 350 lines) on purpose: it is the one place that knows
 * libwebpdemux's and libwebpmux's C API (function handles, struct layouts, ABI versions), read
 * against their headers; split, that knowledge would be spread over files that must change together.
 */
final class LibWebpAnim {
    static final int DEMUX_ABI_VERSION = 0x0107;
    static final int MUX_ABI_VERSION = 0x0108;
    static final int ENCODER_ABI_VERSION = 0x020f;
    private static final int MODE_BGRA = 3;
    private static final int FF_CANVAS_WIDTH = 1;
    private static final int FF_CANVAS_HEIGHT = 2;
    private static final int FF_LOOP_COUNT = 3;
    private static final int FF_FRAME_COUNT = 5;
    // Generous sizes for libwebp's structs (WebPPicture is 256 bytes in 1.2.4, WebPConfig 124), which it fills itself.
    private static final long PICTURE_BYTES = 512;
    private static final long CONFIG_BYTES = 256;
    private static final long PICTURE_USE_ARGB = 0;
    private static final long PICTURE_WIDTH = 8;
    private static final long PICTURE_HEIGHT = 12;
    private static final long PICTURE_PROGRESS_HOOK = 144;
    private static final long CONFIG_LOSSLESS = 0;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final String describe;
    private final MethodHandle demux;
    private final MethodHandle demuxGetI;
    private final MethodHandle demuxDelete;
    private final MethodHandle decOptionsInit;
    private final MethodHandle decNew;
    private final MethodHandle decGetNext;
    private final MethodHandle decDelete;
    private final MethodHandle encOptionsInit;
    private final MethodHandle encNew;
    private final MethodHandle encAdd;
    private final MethodHandle encAssemble;
    private final MethodHandle encError;
    private final MethodHandle encDelete;
    private final MethodHandle configInit;
    private final MethodHandle pictureInit;
    private final MethodHandle pictureImportBgra;
    private final MethodHandle pictureFree;
    private final MethodHandle webpFree;
    private final MethodHandle progress;

    private LibWebpAnim(SymbolLookup webp, SymbolLookup demuxLib, SymbolLookup muxLib, String describe) throws Throwable {
        Linker linker = Linker.nativeLinker();
        this.describe = describe;
        this.demux = linker.downcallHandle(find(demuxLib, "WebPDemuxInternal"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
        this.demuxGetI = linker.downcallHandle(find(demuxLib, "WebPDemuxGetI"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        this.demuxDelete = linker.downcallHandle(find(demuxLib, "WebPDemuxDelete"), FunctionDescriptor.ofVoid(ADDRESS));
        this.decOptionsInit = linker.downcallHandle(find(demuxLib, "WebPAnimDecoderOptionsInitInternal"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        this.decNew = linker.downcallHandle(find(demuxLib, "WebPAnimDecoderNewInternal"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        this.decGetNext = linker.downcallHandle(find(demuxLib, "WebPAnimDecoderGetNext"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        this.decDelete = linker.downcallHandle(find(demuxLib, "WebPAnimDecoderDelete"), FunctionDescriptor.ofVoid(ADDRESS));
        this.encOptionsInit = linker.downcallHandle(find(muxLib, "WebPAnimEncoderOptionsInitInternal"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        this.encNew = linker.downcallHandle(find(muxLib, "WebPAnimEncoderNewInternal"),
                FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        this.encAdd = linker.downcallHandle(find(muxLib, "WebPAnimEncoderAdd"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        this.encAssemble = linker.downcallHandle(find(muxLib, "WebPAnimEncoderAssemble"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        this.encError = linker.downcallHandle(find(muxLib, "WebPAnimEncoderGetError"), FunctionDescriptor.of(ADDRESS, ADDRESS));
        this.encDelete = linker.downcallHandle(find(muxLib, "WebPAnimEncoderDelete"), FunctionDescriptor.ofVoid(ADDRESS));
        this.configInit = linker.downcallHandle(find(webp, "WebPConfigInitInternal"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, JAVA_INT));
        this.pictureInit = linker.downcallHandle(find(webp, "WebPPictureInitInternal"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        this.pictureImportBgra = linker.downcallHandle(find(webp, "WebPPictureImportBGRA"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        this.pictureFree = linker.downcallHandle(find(webp, "WebPPictureFree"), FunctionDescriptor.ofVoid(ADDRESS));
        this.webpFree = linker.downcallHandle(find(webp, "WebPFree"), FunctionDescriptor.ofVoid(ADDRESS));
        this.progress = java.lang.invoke.MethodHandles.lookup().findStatic(LibWebpAnim.class, "progress",
                java.lang.invoke.MethodType.methodType(int.class, JobDeadline.class, int.class, MemorySegment.class));
    }

    static LibWebpAnim bind(SymbolLookup webp, SymbolLookup demux, SymbolLookup mux, String describe) throws Throwable {
        return new LibWebpAnim(webp, demux, mux, describe);
    }

    String describe() {
        return describe;
    }

    /** What a WebP file's header says: its canvas, how often it loops (0 forever) and how many frames it has. */
    record Header(int canvasWidth, int canvasHeight, int loopCount, int frames) {
    }

    /** The header, without decoding. */
    Header header(byte[] webp) throws NativeCodecException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = webpData(arena, webp);
            MemorySegment d = (MemorySegment) demux.invokeExact(data, 0, MemorySegment.NULL, DEMUX_ABI_VERSION);
            if (d.equals(MemorySegment.NULL)) {
                throw new NativeCodecException("libwebpdemux cannot parse the WebP file (" + webp.length + " bytes)");
            }
            try {
                return new Header((int) demuxGetI.invokeExact(d, FF_CANVAS_WIDTH), (int) demuxGetI.invokeExact(d, FF_CANVAS_HEIGHT),
                        (int) demuxGetI.invokeExact(d, FF_LOOP_COUNT), (int) demuxGetI.invokeExact(d, FF_FRAME_COUNT));
            } finally {
                demuxDelete.invokeExact(d);
            }
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("libwebpdemux call failed: " + t, t);
        }
    }

    /** Opens a decoder of every frame; the caller closes it. */
    Decoder decoder(byte[] webp) throws NativeCodecException {
        Arena arena = Arena.ofConfined();
        try {
            // The decoder keeps pointers into the data: it lives in the decoder's arena.
            MemorySegment data = webpData(arena, webp);
            MemorySegment options = arena.allocate(64, 8);
            if ((int) decOptionsInit.invokeExact(options, DEMUX_ABI_VERSION) == 0) {
                throw new NativeCodecException("libwebpdemux refused its options (ABI version " + DEMUX_ABI_VERSION + ")");
            }
            options.set(JAVA_INT, 0, MODE_BGRA);
            MemorySegment dec = (MemorySegment) decNew.invokeExact(data, options, DEMUX_ABI_VERSION);
            if (dec.equals(MemorySegment.NULL)) {
                throw new NativeCodecException("libwebpdemux cannot decode the animated WebP (" + webp.length + " bytes)");
            }
            return new Decoder(arena, dec);
        } catch (NativeCodecException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new NativeCodecException("libwebpdemux call failed: " + t, t);
        }
    }

    /** Opens an encoder of a width x height animation; the caller closes it. */
    Encoder encoder(int width, int height, int loopCount, float quality, boolean lossless) throws NativeCodecException {
        Arena arena = Arena.ofConfined();
        try {
            MemorySegment options = arena.allocate(64, 8);
            if ((int) encOptionsInit.invokeExact(options, MUX_ABI_VERSION) == 0) {
                throw new NativeCodecException("libwebpmux refused its options (ABI version " + MUX_ABI_VERSION + ")");
            }
            options.set(JAVA_INT, 0, 0);           // anim_params.bgcolor: transparent
            options.set(JAVA_INT, 4, loopCount);   // anim_params.loop_count
            MemorySegment enc = (MemorySegment) encNew.invokeExact(width, height, options, MUX_ABI_VERSION);
            if (enc.equals(MemorySegment.NULL)) {
                throw new NativeCodecException("libwebpmux cannot make a " + width + "x" + height + " animation encoder");
            }
            MemorySegment config = arena.allocate(CONFIG_BYTES, 8);
            if ((int) configInit.invokeExact(config, 0, quality, ENCODER_ABI_VERSION) == 0) {
                encDelete.invokeExact(enc);
                throw new NativeCodecException("libwebp refused its config (ABI version " + ENCODER_ABI_VERSION + ")");
            }
            config.set(JAVA_INT, CONFIG_LOSSLESS, lossless ? 1 : 0);
            return new Encoder(arena, enc, config, width, height);
        } catch (NativeCodecException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new NativeCodecException("libwebpmux call failed: " + t, t);
        }
    }

    /** One animated WebP being decoded, frame after frame. Used by one thread; close it. */
    final class Decoder implements AutoCloseable {
        private final Arena arena;
        private final MemorySegment dec;
        private final MemorySegment buf;
        private final MemorySegment timestamp;

        private Decoder(Arena arena, MemorySegment dec) {
            this.arena = arena;
            this.dec = dec;
            this.buf = arena.allocate(ADDRESS);
            this.timestamp = arena.allocate(JAVA_INT);
        }

        /**
         * Decodes the next frame into {@code argb} (the canvas, 0xAARRGGBB) and returns its end
         * timestamp in milliseconds.
         */
        int next(int[] argb) throws NativeCodecException {
            try {
                if ((int) decGetNext.invokeExact(dec, buf, timestamp) == 0) {
                    throw new NativeCodecException("libwebpdemux cannot decode the next frame of the animated WebP");
                }
                MemorySegment pixels = buf.get(ADDRESS, 0).reinterpret(4L * argb.length);
                MemorySegment.copy(pixels, JAVA_INT.withOrder(LE), 0, argb, 0, argb.length);
                return timestamp.get(JAVA_INT, 0);
            } catch (NativeCodecException e) {
                throw e;
            } catch (Throwable t) {
                throw new NativeCodecException("libwebpdemux call failed: " + t, t);
            }
        }

        @Override
        public void close() {
            try {
                decDelete.invokeExact(dec);
            } catch (Throwable t) {
                throw new IllegalStateException("WebPAnimDecoderDelete failed", t);
            } finally {
                arena.close();
            }
        }
    }

    /** One animated WebP being encoded, frame after frame. Used by one thread; close it. */
    final class Encoder implements AutoCloseable {
        private final Arena arena;
        private final MemorySegment enc;
        private final MemorySegment config;
        private final int width;
        private final int height;

        private Encoder(Arena arena, MemorySegment enc, MemorySegment config, int width, int height) {
            this.arena = arena;
            this.enc = enc;
            this.config = config;
            this.width = width;
            this.height = height;
        }

        /**
         * Adds a frame (0xAARRGGBB, the whole canvas) shown from {@code timestampMs}. The encode
         * polls the deadline through libwebp's progress hook and stops when it has passed.
         */
        void add(int[] argb, int timestampMs, JobDeadline deadline) throws NativeCodecException {
            try (Arena frame = Arena.ofConfined()) {
                MemorySegment pic = frame.allocate(PICTURE_BYTES, 8);
                if ((int) pictureInit.invokeExact(pic, ENCODER_ABI_VERSION) == 0) {
                    throw new NativeCodecException("libwebp refused its picture (ABI version " + ENCODER_ABI_VERSION + ")");
                }
                pic.set(JAVA_INT, PICTURE_USE_ARGB, 1);
                pic.set(JAVA_INT, PICTURE_WIDTH, width);
                pic.set(JAVA_INT, PICTURE_HEIGHT, height);
                MemorySegment pixels = frame.allocate(4L * argb.length, 4);
                MemorySegment.copy(argb, 0, pixels, JAVA_INT.withOrder(LE), 0, argb.length);
                if ((int) pictureImportBgra.invokeExact(pic, pixels, width * 4) == 0) {
                    throw new NativeCodecException("libwebp cannot take the " + width + "x" + height + " frame");
                }
                try {
                    pic.set(ADDRESS, PICTURE_PROGRESS_HOOK, progressHook(frame, deadline));
                    if ((int) encAdd.invokeExact(enc, pic, timestampMs, config) == 0) {
                        throw new NativeCodecException("libwebpmux cannot add the frame at " + timestampMs + " ms: " + error());
                    }
                } finally {
                    pictureFree.invokeExact(pic);
                }
            } catch (NativeCodecException e) {
                throw e;
            } catch (Throwable t) {
                throw new NativeCodecException("libwebpmux call failed: " + t, t);
            }
        }

        /** Ends the animation at {@code endMs} (the last frame's end) and returns the file. */
        byte[] assemble(int endMs) throws NativeCodecException {
            try {
                // A null frame marks the end: it gives the last frame its duration.
                if ((int) encAdd.invokeExact(enc, MemorySegment.NULL, endMs, config) == 0) {
                    throw new NativeCodecException("libwebpmux cannot end the animation at " + endMs + " ms: " + error());
                }
                MemorySegment data = arena.allocate(16, 8);
                if ((int) encAssemble.invokeExact(enc, data) == 0) {
                    throw new NativeCodecException("libwebpmux cannot assemble the animation: " + error());
                }
                MemorySegment bytes = data.get(ADDRESS, 0);
                long size = data.get(JAVA_LONG, 8);
                try {
                    return bytes.reinterpret(size).toArray(JAVA_BYTE);
                } finally {
                    webpFree.invokeExact(bytes);
                }
            } catch (NativeCodecException e) {
                throw e;
            } catch (Throwable t) {
                throw new NativeCodecException("libwebpmux call failed: " + t, t);
            }
        }

        private String error() throws Throwable {
            MemorySegment s = (MemorySegment) encError.invokeExact(enc);
            return s.equals(MemorySegment.NULL) ? "no reason given" : s.reinterpret(1024).getString(0);
        }

        @Override
        public void close() {
            try {
                encDelete.invokeExact(enc);
            } catch (Throwable t) {
                throw new IllegalStateException("WebPAnimEncoderDelete failed", t);
            } finally {
                arena.close();
            }
        }
    }

    /** A {@code WebPProgressHook} that stops the encode (returns 0) once the deadline has passed. */
    private MemorySegment progressHook(Arena arena, JobDeadline deadline) {
        return Linker.nativeLinker().upcallStub(java.lang.invoke.MethodHandles.insertArguments(progress, 0, deadline),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), arena);
    }

    /** Called by libwebp on the encoding thread; must not throw. */
    private static int progress(JobDeadline deadline, int percent, MemorySegment picture) {
        return deadline.expired() ? 0 : 1;
    }

    private static MemorySegment webpData(Arena arena, byte[] bytes) {
        MemorySegment copy = arena.allocate(Math.max(1, bytes.length), 8);
        MemorySegment.copy(bytes, 0, copy, JAVA_BYTE, 0, bytes.length);
        MemorySegment data = arena.allocate(16, 8);
        data.set(ADDRESS, 0, copy);
        data.set(JAVA_LONG, 8, bytes.length);
        return data;
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the WebP libraries"));
    }
}
