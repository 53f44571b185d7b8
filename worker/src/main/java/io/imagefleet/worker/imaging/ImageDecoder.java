package io.imagefleet.worker.imaging;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.worker.pipeline.JobFailure;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Decodes the first frame of an image into an sRGB {@link BufferedImage}, optionally with source
 * subsampling. Every reader that claims the bytes is tried in turn, so a file one plugin cannot
 * read can still be read by the next. A reader warning (a truncated file, say) fails the decode
 * unless the caller accepts warnings. Readers are always disposed. Thread-safe.
 */
public final class ImageDecoder {

    /**
     * Decodes.
     *
     * @param subsampling keep every n-th pixel in each direction (1 decodes every pixel)
     * @throws JobFailure DECODE_FAILED, or UNSUPPORTED_FORMAT when no reader takes the bytes
     */
    public BufferedImage decode(byte[] bytes, int subsampling, boolean acceptWarnings) throws JobFailure {
        List<String> failures = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new JobFailure(ErrorCode.UNSUPPORTED_FORMAT, "source is not an image in a known format");
            }
            while (readers.hasNext()) {
                ImageReader reader = readers.next();
                List<String> warnings = new ArrayList<>();
                IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
                try {
                    in.seek(0);
                    reader.setInput(in, true, true);
                    reader.addIIOReadWarningListener(listener);
                    ImageReadParam param = reader.getDefaultReadParam();
                    if (subsampling > 1) {
                        param.setSourceSubsampling(subsampling, subsampling, 0, 0);
                    }
                    BufferedImage image = reader.read(0, param);
                    if (!warnings.isEmpty() && !acceptWarnings) {
                        failures.add(name(reader) + " warned: " + String.join("; ", warnings));
                        continue;
                    }
                    return Colour.toSrgb(image);
                } catch (IOException | RuntimeException e) {
                    failures.add(name(reader) + ": " + e.getMessage());
                } finally {
                    reader.removeIIOReadWarningListener(listener);
                    reader.dispose();
                }
            }
        } catch (IOException e) {
            failures.add(e.toString());
        }
        throw new JobFailure(ErrorCode.DECODE_FAILED, "image cannot be decoded: " + String.join(" | ", failures));
    }

    private static String name(ImageReader reader) {
        return reader.getOriginatingProvider() == null ? reader.getClass().getSimpleName()
                : reader.getOriginatingProvider().getClass().getName().replaceAll(".*\\.", "");
    }
}
