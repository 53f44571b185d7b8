package io.imagefleet.worker.imaging;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libheif's C API ({@code heif.h} of libheif 1.15, Debian 12's {@code libheif1}) through the
 * foreign-function API: the header of a HEIF/HEIC/AVIF file (the primary image's size after its
 * {@code irot}/{@code imir}/{@code clap} transforms, alpha, bit depth), its decode to 8-bit
 * interleaved RGB(A) with the transforms applied (10 and 12-bit images converted to 8 bits by
 * the library), its colour profile (ICC bytes or nclx values), and AVIF encoding through the
 * library's AV1 encoder (aom on Debian) with quality and speed.
 *
 * <p>Every call works on a context made and freed within it, over a copy of the file in a
 * confined arena; handles, images and encoders are released in {@code finally}, so nothing
 * native outlives a call. Decoding cannot be aborted (the library has no cancel hook). The
 * library limits images to {@link ImageProbe#MAX_SIDE} pixels a side on its own too.
 * Thread-safe: libheif contexts are independent.
 *
 * <p>Longer than most classes here (about 540 lines) on purpose: it is the one place that knows
 * libheif's C API, every function handle, struct offset and error code of it, for decoding and
 * encoding alike; split, that ABI knowledge would be spread over files that must change together.
 */
final class LibHeif {
    private static final int COLORSPACE_RGB = 1;
    private static final int CHROMA_RGB = 10;
    private static final int CHROMA_RGBA = 11;
    private static final int CHANNEL_INTERLEAVED = 10;
    private static final int COMPRESSION_HEVC = 1;
    private static final int COMPRESSION_AV1 = 4;
    private static final int PROFILE_NCLX = fourcc("nclx");
    private static final int PROFILE_RICC = fourcc("rICC");
    private static final int PROFILE_PROF = fourcc("prof");
    /** heif_error_Memory_allocation_error with heif_suberror_Security_limit_exceeded: a file over the library's limits. */
    static final int ERROR_MEMORY = 6;
    static final int SUBERROR_SECURITY_LIMIT = 1000;
    static final int ERROR_UNSUPPORTED_FILETYPE = 3;
    static final int ERROR_UNSUPPORTED_FEATURE = 4;
    /** Offset of {@code convert_hdr_to_8bit} in {@code struct heif_decoding_options} (version 2 and up). */
    private static final long OPTIONS_CONVERT_HDR_TO_8BIT = 40;
    private static final StructLayout ERROR = MemoryLayout.structLayout(JAVA_INT.withName("code"),
            JAVA_INT.withName("subcode"), ADDRESS.withName("message"));
    private static final StructLayout WRITER = MemoryLayout.structLayout(JAVA_INT.withName("writer_api_version"),
            MemoryLayout.paddingLayout(4), ADDRESS.withName("write"));
    private static final MethodHandle WRITE_TARGET;

    static {
        try {
            WRITE_TARGET = MethodHandles.lookup().findStatic(LibHeif.class, "write", MethodType.methodType(
                    MemorySegment.class, ByteArrayOutputStream.class, MemorySegment.class, MemorySegment.class,
                    MemorySegment.class, long.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The primary image of a file, as its header says: its size with its transforms applied,
     * and its EXIF block (the TIFF structure, without the 4-byte offset libheif keeps), if any.
     */
    record Header(int width, int height, boolean alpha, int bitDepth, int topLevelImages, byte[] exif) {
    }

    /** The embedded colour description: ICC bytes, or nclx values, or neither. */
    record Profile(byte[] icc, Nclx nclx) {
        static final Profile NONE = new Profile(null, null);
    }

    /**
     * An nclx colour description (ITU-T H.273 code points) with the primaries' chromaticities the
     * library worked out from them.
     */
    record Nclx(int primaries, int transfer, float[] xy) {
    }

    /** A decoded primary image: 0xAARRGGBB (alpha 0xff where opaque) or 0xRRGGBB pixels, and its profile. */
    record Decoded(int[] pixels, int width, int height, boolean alpha, Profile profile) {
    }

    /** A libheif error: the library's message, code and subcode. */
    static final class HeifException extends NativeCodecException {
        private static final long serialVersionUID = 1L;
        final int code;
        final int subcode;

        HeifException(String message, int code, int subcode) {
            super(message);
            this.code = code;
            this.subcode = subcode;
        }
    }

    private final String libraryName;
    private final String version;
    private final boolean hevcDecoder;
    private final boolean av1Decoder;
    private final boolean av1Encoder;
    private final MethodHandle contextAlloc;
    private final MethodHandle contextFree;
    private final MethodHandle readFromMemory;
    private final MethodHandle setSizeLimit;
    private final MethodHandle primaryHandle;
    private final MethodHandle topLevelImages;
    private final MethodHandle handleRelease;
    private final MethodHandle handleWidth;
    private final MethodHandle handleHeight;
    private final MethodHandle handleHasAlpha;
    private final MethodHandle handleLumaBits;
    private final MethodHandle metadataIds;
    private final MethodHandle metadataSize;
    private final MethodHandle metadata;
    private final MethodHandle profileType;
    private final MethodHandle rawProfileSize;
    private final MethodHandle rawProfile;
    private final MethodHandle nclxProfile;
    private final MethodHandle nclxFree;
    private final MethodHandle optionsAlloc;
    private final MethodHandle optionsFree;
    private final MethodHandle decodeImage;
    private final MethodHandle imageWidth;
    private final MethodHandle imageHeight;
    private final MethodHandle planeReadonly;
    private final MethodHandle plane;
    private final MethodHandle imageRelease;
    private final MethodHandle imageCreate;
    private final MethodHandle addPlane;
    private final MethodHandle encoderForFormat;
    private final MethodHandle encoderRelease;
    private final MethodHandle setQuality;
    private final MethodHandle setIntParameter;
    private final MethodHandle encodeImage;
    private final MethodHandle setRawProfile;
    private final MethodHandle addExif;
    private final MethodHandle contextWrite;

    private LibHeif(SymbolLookup lib, String libraryName) throws Throwable {
        Linker linker = Linker.nativeLinker();
        this.libraryName = libraryName;
        MethodHandle init = linker.downcallHandle(find(lib, "heif_init"), FunctionDescriptor.of(ERROR, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            check((MemorySegment) init.invokeExact((SegmentAllocator) arena, MemorySegment.NULL), "heif_init");
        }
        MethodHandle versionFn = linker.downcallHandle(find(lib, "heif_get_version"), FunctionDescriptor.of(ADDRESS));
        this.version = ((MemorySegment) versionFn.invokeExact()).reinterpret(64).getString(0);
        MethodHandle haveDecoder = linker.downcallHandle(find(lib, "heif_have_decoder_for_format"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        MethodHandle haveEncoder = linker.downcallHandle(find(lib, "heif_have_encoder_for_format"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        this.hevcDecoder = (int) haveDecoder.invokeExact(COMPRESSION_HEVC) != 0;
        this.av1Decoder = (int) haveDecoder.invokeExact(COMPRESSION_AV1) != 0;
        this.av1Encoder = (int) haveEncoder.invokeExact(COMPRESSION_AV1) != 0;
        contextAlloc = linker.downcallHandle(find(lib, "heif_context_alloc"), FunctionDescriptor.of(ADDRESS));
        contextFree = linker.downcallHandle(find(lib, "heif_context_free"), FunctionDescriptor.ofVoid(ADDRESS));
        readFromMemory = linker.downcallHandle(find(lib, "heif_context_read_from_memory_without_copy"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        setSizeLimit = linker.downcallHandle(find(lib, "heif_context_set_maximum_image_size_limit"),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        primaryHandle = linker.downcallHandle(find(lib, "heif_context_get_primary_image_handle"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS));
        topLevelImages = linker.downcallHandle(find(lib, "heif_context_get_number_of_top_level_images"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        handleRelease = linker.downcallHandle(find(lib, "heif_image_handle_release"), FunctionDescriptor.ofVoid(ADDRESS));
        handleWidth = intOf(linker, lib, "heif_image_handle_get_width");
        handleHeight = intOf(linker, lib, "heif_image_handle_get_height");
        handleHasAlpha = intOf(linker, lib, "heif_image_handle_has_alpha_channel");
        handleLumaBits = intOf(linker, lib, "heif_image_handle_get_luma_bits_per_pixel");
        profileType = intOf(linker, lib, "heif_image_handle_get_color_profile_type");
        metadataIds = linker.downcallHandle(find(lib, "heif_image_handle_get_list_of_metadata_block_IDs"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        metadataSize = linker.downcallHandle(find(lib, "heif_image_handle_get_metadata_size"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
        metadata = linker.downcallHandle(find(lib, "heif_image_handle_get_metadata"),
                FunctionDescriptor.of(ERROR, ADDRESS, JAVA_INT, ADDRESS));
        rawProfileSize = linker.downcallHandle(find(lib, "heif_image_handle_get_raw_color_profile_size"),
                FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        rawProfile = linker.downcallHandle(find(lib, "heif_image_handle_get_raw_color_profile"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS));
        nclxProfile = linker.downcallHandle(find(lib, "heif_image_handle_get_nclx_color_profile"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS));
        nclxFree = linker.downcallHandle(find(lib, "heif_nclx_color_profile_free"), FunctionDescriptor.ofVoid(ADDRESS));
        optionsAlloc = linker.downcallHandle(find(lib, "heif_decoding_options_alloc"), FunctionDescriptor.of(ADDRESS));
        optionsFree = linker.downcallHandle(find(lib, "heif_decoding_options_free"), FunctionDescriptor.ofVoid(ADDRESS));
        decodeImage = linker.downcallHandle(find(lib, "heif_decode_image"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        imageWidth = linker.downcallHandle(find(lib, "heif_image_get_width"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        imageHeight = linker.downcallHandle(find(lib, "heif_image_get_height"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        planeReadonly = linker.downcallHandle(find(lib, "heif_image_get_plane_readonly"),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        plane = linker.downcallHandle(find(lib, "heif_image_get_plane"), FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        imageRelease = linker.downcallHandle(find(lib, "heif_image_release"), FunctionDescriptor.ofVoid(ADDRESS));
        imageCreate = linker.downcallHandle(find(lib, "heif_image_create"),
                FunctionDescriptor.of(ERROR, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        addPlane = linker.downcallHandle(find(lib, "heif_image_add_plane"),
                FunctionDescriptor.of(ERROR, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        encoderForFormat = linker.downcallHandle(find(lib, "heif_context_get_encoder_for_format"),
                FunctionDescriptor.of(ERROR, ADDRESS, JAVA_INT, ADDRESS));
        encoderRelease = linker.downcallHandle(find(lib, "heif_encoder_release"), FunctionDescriptor.ofVoid(ADDRESS));
        setQuality = linker.downcallHandle(find(lib, "heif_encoder_set_lossy_quality"),
                FunctionDescriptor.of(ERROR, ADDRESS, JAVA_INT));
        setIntParameter = linker.downcallHandle(find(lib, "heif_encoder_set_parameter_integer"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS, JAVA_INT));
        encodeImage = linker.downcallHandle(find(lib, "heif_context_encode_image"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        setRawProfile = linker.downcallHandle(find(lib, "heif_image_set_raw_color_profile"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        addExif = linker.downcallHandle(find(lib, "heif_context_add_exif_metadata"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        contextWrite = linker.downcallHandle(find(lib, "heif_context_write"),
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS, ADDRESS));
    }

    /** Binds the library found by the lookup; throws when a function it needs is missing. */
    static LibHeif bind(SymbolLookup lib, String libraryName) throws Throwable {
        return new LibHeif(lib, libraryName);
    }

    /** For people: the library file, its version and the codecs it was built with. */
    String describe() {
        return libraryName + " (" + version + "; decoders: HEVC " + (hevcDecoder ? "yes" : "no") + ", AV1 "
                + (av1Decoder ? "yes" : "no") + "; AV1 encoder: " + (av1Encoder ? "yes" : "no") + ")";
    }

    boolean canEncodeAvif() {
        return av1Encoder;
    }

    /** Reads the header of the primary image: no pixel is decoded. */
    Header header(byte[] file) throws NativeCodecException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = open(arena, file);
            try {
                MemorySegment handle = primary(arena, ctx);
                try {
                    return new Header((int) handleWidth.invokeExact(handle), (int) handleHeight.invokeExact(handle),
                            (int) handleHasAlpha.invokeExact(handle) != 0, (int) handleLumaBits.invokeExact(handle),
                            (int) topLevelImages.invokeExact(ctx), exif(arena, handle));
                } finally {
                    handleRelease.invokeExact(handle);
                }
            } finally {
                contextFree.invokeExact(ctx);
            }
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("libheif header call failed: " + t, t);
        }
    }

    /** Decodes the primary image, its transforms applied, to 8-bit RGB (RGBA when it has alpha). */
    Decoded decode(byte[] file) throws NativeCodecException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = open(arena, file);
            try {
                MemorySegment handle = primary(arena, ctx);
                try {
                    boolean alpha = (int) handleHasAlpha.invokeExact(handle) != 0;
                    Profile profile = profile(arena, handle);
                    return decodePixels(arena, handle, alpha, profile);
                } finally {
                    handleRelease.invokeExact(handle);
                }
            } finally {
                contextFree.invokeExact(ctx);
            }
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("libheif decode call failed: " + t, t);
        }
    }

    private Decoded decodePixels(Arena arena, MemorySegment handle, boolean alpha, Profile profile) throws Throwable {
        MemorySegment options = (MemorySegment) optionsAlloc.invokeExact();
        MemorySegment imageOut = arena.allocate(ADDRESS);
        try {
            if (!options.equals(MemorySegment.NULL)) {
                MemorySegment o = options.reinterpret(OPTIONS_CONVERT_HDR_TO_8BIT + 1);
                if (o.get(JAVA_BYTE, 0) >= 2) {
                    o.set(JAVA_BYTE, OPTIONS_CONVERT_HDR_TO_8BIT, (byte) 1);
                }
            }
            check((MemorySegment) decodeImage.invokeExact((SegmentAllocator) arena, handle, imageOut, COLORSPACE_RGB,
                    alpha ? CHROMA_RGBA : CHROMA_RGB, options), "decoding");
        } finally {
            optionsFree.invokeExact(options);
        }
        MemorySegment image = imageOut.get(ADDRESS, 0);
        try {
            int w = (int) imageWidth.invokeExact(image, CHANNEL_INTERLEAVED);
            int h = (int) imageHeight.invokeExact(image, CHANNEL_INTERLEAVED);
            MemorySegment strideOut = arena.allocate(JAVA_INT);
            MemorySegment data = (MemorySegment) planeReadonly.invokeExact(image, CHANNEL_INTERLEAVED, strideOut);
            if (w <= 0 || h <= 0 || data.equals(MemorySegment.NULL)) {
                throw new NativeCodecException("libheif decoded no interleaved RGB plane (" + w + "x" + h + ")");
            }
            int stride = strideOut.get(JAVA_INT, 0);
            int channels = alpha ? 4 : 3;
            MemorySegment pixels = data.reinterpret((long) stride * (h - 1) + (long) w * channels);
            int[] out = new int[Math.multiplyExact(w, h)];
            byte[] row = new byte[w * channels];
            for (int y = 0; y < h; y++) {
                MemorySegment.copy(pixels, JAVA_BYTE, (long) y * stride, row, 0, row.length);
                for (int x = 0, i = 0; x < w; x++, i += channels) {
                    int a = alpha ? row[i + 3] & 0xff : 0xff;
                    out[y * w + x] = (a << 24) | ((row[i] & 0xff) << 16) | ((row[i + 1] & 0xff) << 8) | (row[i + 2] & 0xff);
                }
            }
            return new Decoded(out, w, h, alpha, profile);
        } finally {
            imageRelease.invokeExact(image);
        }
    }

    /** The first EXIF block's TIFF structure, or null (none, malformed, or over the profile size bound). */
    private byte[] exif(Arena arena, MemorySegment handle) throws Throwable {
        MemorySegment type = arena.allocateFrom("Exif");
        MemorySegment ids = arena.allocate(JAVA_INT, 1);
        if ((int) metadataIds.invokeExact(handle, type, ids, 1) < 1) {
            return null;
        }
        int id = ids.get(JAVA_INT, 0);
        long size = (long) metadataSize.invokeExact(handle, id);
        if (size < 8 || size > IccProfiles.MAX_PROFILE_BYTES) {
            return null;
        }
        MemorySegment buf = arena.allocate(size);
        MemorySegment err = (MemorySegment) metadata.invokeExact((SegmentAllocator) arena, handle, id, buf);
        if (err.get(JAVA_INT, 0) != 0) {
            return null;
        }
        byte[] block = buf.toArray(JAVA_BYTE);
        // The block starts with the big-endian offset from its end to the TIFF header.
        long offset = ((long) (block[0] & 0xff) << 24) | ((block[1] & 0xff) << 16) | ((block[2] & 0xff) << 8) | (block[3] & 0xff);
        return offset > block.length - 4 - 8 ? null : java.util.Arrays.copyOfRange(block, 4 + (int) offset, block.length);
    }

    private Profile profile(Arena arena, MemorySegment handle) throws Throwable {
        int type = (int) profileType.invokeExact(handle);
        if (type == PROFILE_PROF || type == PROFILE_RICC) {
            long size = (long) rawProfileSize.invokeExact(handle);
            if (size > 0 && size <= IccProfiles.MAX_PROFILE_BYTES) {
                MemorySegment buf = arena.allocate(size);
                check((MemorySegment) rawProfile.invokeExact((SegmentAllocator) arena, handle, buf), "reading the ICC profile");
                return new Profile(buf.toArray(JAVA_BYTE), null);
            }
            return Profile.NONE;
        }
        MemorySegment out = arena.allocate(ADDRESS);
        MemorySegment err = (MemorySegment) nclxProfile.invokeExact((SegmentAllocator) arena, handle, out);
        if (err.get(JAVA_INT, 0) != 0) {
            return Profile.NONE; // no nclx colr box: the image is taken as sRGB
        }
        MemorySegment nclx = out.get(ADDRESS, 0).reinterpret(52);
        try {
            float[] xy = new float[8];
            for (int i = 0; i < 8; i++) {
                xy[i] = nclx.get(JAVA_FLOAT, 20 + 4L * i);
            }
            return new Profile(null, new Nclx(nclx.get(JAVA_INT, 4), nclx.get(JAVA_INT, 8), xy));
        } finally {
            nclxFree.invokeExact(nclx);
        }
    }

    /**
     * Encodes {@code argb} (0xAARRGGBB) as AVIF with the AV1 encoder.
     *
     * @param quality 0-100
     * @param speed   the encoder's speed, 0 (slowest, smallest) to 9
     * @param icc     an ICC profile to embed (the pixels are in it), or null
     * @param exif    an EXIF TIFF structure to attach, or null
     */
    byte[] encodeAvif(int[] argb, int width, int height, boolean alpha, int quality, int speed, byte[] icc, byte[] exif)
            throws NativeCodecException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = (MemorySegment) contextAlloc.invokeExact();
            if (ctx.equals(MemorySegment.NULL)) {
                throw new NativeCodecException("libheif could not allocate a context");
            }
            MemorySegment encoderOut = arena.allocate(ADDRESS);
            MemorySegment imageOut = arena.allocate(ADDRESS);
            MemorySegment encoder = MemorySegment.NULL;
            MemorySegment image = MemorySegment.NULL;
            try {
                check((MemorySegment) encoderForFormat.invokeExact((SegmentAllocator) arena, ctx, COMPRESSION_AV1, encoderOut),
                        "finding the AV1 encoder");
                encoder = encoderOut.get(ADDRESS, 0);
                check((MemorySegment) setQuality.invokeExact((SegmentAllocator) arena, encoder, quality), "setting the quality");
                check((MemorySegment) setIntParameter.invokeExact((SegmentAllocator) arena, encoder,
                        arena.allocateFrom("speed"), speed), "setting the speed");
                // The worker's pool owns the cores: one encoder thread per job.
                check((MemorySegment) setIntParameter.invokeExact((SegmentAllocator) arena, encoder,
                        arena.allocateFrom("threads"), 1), "setting the threads");
                check((MemorySegment) imageCreate.invokeExact((SegmentAllocator) arena, width, height, COLORSPACE_RGB,
                        alpha ? CHROMA_RGBA : CHROMA_RGB, imageOut), "creating the image");
                image = imageOut.get(ADDRESS, 0);
                check((MemorySegment) addPlane.invokeExact((SegmentAllocator) arena, image, CHANNEL_INTERLEAVED, width, height, 8),
                        "adding the pixel plane");
                fill(arena, image, argb, width, height, alpha);
                if (icc != null) {
                    check((MemorySegment) setRawProfile.invokeExact((SegmentAllocator) arena, image, arena.allocateFrom("prof"),
                            arena.allocateFrom(JAVA_BYTE, icc), (long) icc.length), "attaching the ICC profile");
                }
                MemorySegment handleOut = arena.allocate(ADDRESS);
                check((MemorySegment) encodeImage.invokeExact((SegmentAllocator) arena, ctx, image, encoder,
                        MemorySegment.NULL, handleOut), "encoding");
                MemorySegment handle = handleOut.get(ADDRESS, 0);
                try {
                    if (exif != null) {
                        check((MemorySegment) addExif.invokeExact((SegmentAllocator) arena, ctx, handle,
                                arena.allocateFrom(JAVA_BYTE, exif), exif.length), "attaching the EXIF");
                    }
                } finally {
                    handleRelease.invokeExact(handle);
                }
                return writeOut(arena, ctx);
            } finally {
                if (!image.equals(MemorySegment.NULL)) {
                    imageRelease.invokeExact(image);
                }
                if (!encoder.equals(MemorySegment.NULL)) {
                    encoderRelease.invokeExact(encoder);
                }
                contextFree.invokeExact(ctx);
            }
        } catch (NativeCodecException e) {
            throw e;
        } catch (Throwable t) {
            throw new NativeCodecException("libheif encode call failed: " + t, t);
        }
    }

    private void fill(Arena arena, MemorySegment image, int[] argb, int width, int height, boolean alpha) throws Throwable {
        MemorySegment strideOut = arena.allocate(JAVA_INT);
        MemorySegment data = (MemorySegment) plane.invokeExact(image, CHANNEL_INTERLEAVED, strideOut);
        if (data.equals(MemorySegment.NULL)) {
            throw new NativeCodecException("libheif gave no pixel plane to fill");
        }
        int stride = strideOut.get(JAVA_INT, 0);
        int channels = alpha ? 4 : 3;
        MemorySegment pixels = data.reinterpret((long) stride * (height - 1) + (long) width * channels);
        byte[] row = new byte[width * channels];
        for (int y = 0; y < height; y++) {
            for (int x = 0, i = 0; x < width; x++, i += channels) {
                int p = argb[y * width + x];
                row[i] = (byte) (p >> 16);
                row[i + 1] = (byte) (p >> 8);
                row[i + 2] = (byte) p;
                if (alpha) {
                    row[i + 3] = (byte) (p >>> 24);
                }
            }
            MemorySegment.copy(row, 0, pixels, JAVA_BYTE, (long) y * stride, row.length);
        }
    }

    /** The file, through a heif_writer whose callback appends to a Java buffer (an upcall on this thread). */
    private byte[] writeOut(Arena arena, MemorySegment ctx) throws Throwable {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        MemorySegment ok = arena.allocate(ERROR);
        ok.set(ADDRESS, 8, arena.allocateFrom("Success"));
        MethodHandle target = MethodHandles.insertArguments(WRITE_TARGET, 0, sink, ok);
        MemorySegment stub = Linker.nativeLinker().upcallStub(target,
                FunctionDescriptor.of(ERROR, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), arena);
        MemorySegment writer = arena.allocate(WRITER);
        writer.set(JAVA_INT, 0, 1);
        writer.set(ADDRESS, 8, stub);
        check((MemorySegment) contextWrite.invokeExact((SegmentAllocator) arena, ctx, writer, MemorySegment.NULL), "writing");
        return sink.toByteArray();
    }

    /** The heif_writer callback: copies the library's bytes into the sink. */
    @SuppressWarnings("unused") // called from native code through the upcall stub
    private static MemorySegment write(ByteArrayOutputStream sink, MemorySegment ok, MemorySegment ctx, MemorySegment data,
                                       long size, MemorySegment userdata) {
        sink.writeBytes(data.reinterpret(size).toArray(JAVA_BYTE));
        return ok;
    }

    private MemorySegment open(Arena arena, byte[] file) throws Throwable {
        MemorySegment data = arena.allocate(Math.max(1, file.length));
        MemorySegment.copy(file, 0, data, JAVA_BYTE, 0, file.length);
        MemorySegment ctx = (MemorySegment) contextAlloc.invokeExact();
        if (ctx.equals(MemorySegment.NULL)) {
            throw new NativeCodecException("libheif could not allocate a context");
        }
        try {
            setSizeLimit.invokeExact(ctx, ImageProbe.MAX_SIDE + 1);
            check((MemorySegment) readFromMemory.invokeExact((SegmentAllocator) arena, ctx, data, (long) file.length,
                    MemorySegment.NULL), "reading the file");
            return ctx;
        } catch (Throwable t) {
            contextFree.invokeExact(ctx);
            throw t;
        }
    }

    private MemorySegment primary(Arena arena, MemorySegment ctx) throws Throwable {
        MemorySegment out = arena.allocate(ADDRESS);
        check((MemorySegment) primaryHandle.invokeExact((SegmentAllocator) arena, ctx, out), "finding the primary image");
        return out.get(ADDRESS, 0);
    }

    private static void check(MemorySegment error, String doing) throws HeifException {
        int code = error.get(JAVA_INT, 0);
        if (code != 0) {
            int subcode = error.get(JAVA_INT, 4);
            MemorySegment message = error.get(ADDRESS, 8);
            String text = message.equals(MemorySegment.NULL) ? "error " + code : message.reinterpret(Integer.MAX_VALUE).getString(0);
            throw new HeifException("libheif failed " + doing + ": " + text + " (error " + code + "." + subcode + ")",
                    code, subcode);
        }
    }

    private static MethodHandle intOf(Linker linker, SymbolLookup lib, String name) {
        return linker.downcallHandle(find(lib, name), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the HEIF library"));
    }

    private static int fourcc(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }
}
