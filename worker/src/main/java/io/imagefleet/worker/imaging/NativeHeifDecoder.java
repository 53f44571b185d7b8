package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.kernel.JobFailure;

import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.List;

/**
 * HEIC/HEIF and AVIF through libheif: the primary image with its {@code irot}/{@code imir}/
 * {@code clap} transforms applied by the library (as the HEIF standard requires; the EXIF
 * orientation of such files repeats them and is not applied again), its alpha kept, 10 and
 * 12-bit samples brought to 8 bits, and its colour (an ICC profile, or nclx primaries and
 * transfer) converted to sRGB. libheif's errors become precise codes: a file it cannot parse
 * {@code DECODE_FAILED}, a codec or feature it lacks {@code UNSUPPORTED_FORMAT}, a size over its
 * limits {@code IMAGE_TOO_LARGE}. Thread-safe.
 */
final class NativeHeifDecoder {
    private final LibHeif heif;

    NativeHeifDecoder(LibHeif heif) {
        this.heif = heif;
    }

    /** The header's size and alpha, without decoding. */
    LibHeif.Header header(byte[] bytes, String format) throws JobFailure {
        try {
            return heif.header(bytes);
        } catch (LibHeif.HeifException e) {
            throw failure(e, format, "header cannot be read");
        } catch (NativeCodecException e) {
            throw new JobFailure(ErrorCode.DECODE_FAILED, format + " header cannot be read: " + e.getMessage(), e);
        }
    }

    /** Decodes the primary image to 8-bit sRGB; what was tolerated on the way goes to {@code warnings}. */
    BufferedImage decode(byte[] bytes, String format, List<String> warnings, SourceMetadata kept) throws JobFailure {
        LibHeif.Decoded d;
        try {
            d = heif.decode(bytes);
        } catch (LibHeif.HeifException e) {
            throw failure(e, format, "image cannot be decoded");
        } catch (NativeCodecException e) {
            throw new JobFailure(ErrorCode.DECODE_FAILED, format + " image cannot be decoded: " + e.getMessage(), e);
        }
        if (d.profile().nclx() != null) {
            NclxColour.toSrgb(d.pixels(), d.profile().nclx(), warnings);
        }
        BufferedImage img = wrap(d);
        if (d.profile().icc() != null) {
            ICC_Profile profile = IccProfiles.parse(d.profile().icc(), "the " + format + " file's ICC profile", warnings);
            if (profile != null) {
                img = Colour.applyOrKeep(img, profile, warnings, kept);
            }
        }
        return img;
    }

    /** The pixels as a TYPE_INT_ARGB or TYPE_INT_RGB image, without a copy. */
    private static BufferedImage wrap(LibHeif.Decoded d) {
        int[] masks = d.alpha() ? new int[] {0xff0000, 0xff00, 0xff, 0xff000000} : new int[] {0xff0000, 0xff00, 0xff};
        ColorModel cm = d.alpha() ? ColorModel.getRGBdefault() : new DirectColorModel(24, 0xff0000, 0xff00, 0xff);
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(d.pixels(), d.pixels().length),
                d.width(), d.height(), d.width(), masks, null);
        return new BufferedImage(cm, raster, false, null);
    }

    private static JobFailure failure(LibHeif.HeifException e, String format, String what) {
        ErrorCode code;
        if (e.code == LibHeif.ERROR_MEMORY && e.subcode == LibHeif.SUBERROR_SECURITY_LIMIT) {
            code = ErrorCode.IMAGE_TOO_LARGE;
        } else if (e.code == LibHeif.ERROR_UNSUPPORTED_FILETYPE || e.code == LibHeif.ERROR_UNSUPPORTED_FEATURE) {
            code = ErrorCode.UNSUPPORTED_FORMAT;
        } else {
            code = ErrorCode.DECODE_FAILED;
        }
        return new JobFailure(code, format + " " + what + ": " + e.getMessage(), e);
    }
}
