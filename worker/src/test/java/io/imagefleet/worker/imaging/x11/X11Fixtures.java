package io.imagefleet.worker.imaging.x11;

import io.imagefleet.worker.imaging.ImageDecoder;
import io.imagefleet.worker.imaging.ImageProbe;
import io.imagefleet.worker.pipeline.JobDeadline;
import io.imagefleet.worker.pipeline.JobFailure;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/** The hand-written XBM and XPM fixtures in src/test/resources/images, and the worker's probe and decode of bytes. */
final class X11Fixtures {
    static final ImageProbe PROBE = new ImageProbe(50_000_000);
    private static final ImageDecoder DECODER = new ImageDecoder();

    private X11Fixtures() {
    }

    static byte[] resource(String name) {
        try (InputStream in = X11Fixtures.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource /images/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Probes then decodes, as the pipeline does (full size, upright, warnings refused). */
    static BufferedImage decode(byte[] bytes) throws JobFailure {
        return DECODER.decode(bytes, PROBE.probe(bytes),
                new ImageDecoder.Request(1, false, true, JobDeadline.after(Duration.ofSeconds(30))));
    }

    /** The image as rows of '#' (black) and '.' (white); any other colour is '?'. */
    static String[] blackAndWhite(BufferedImage img) {
        String[] rows = new String[img.getHeight()];
        for (int y = 0; y < img.getHeight(); y++) {
            StringBuilder sb = new StringBuilder();
            for (int x = 0; x < img.getWidth(); x++) {
                int argb = img.getRGB(x, y);
                sb.append(argb == 0xff000000 ? '#' : argb == 0xffffffff ? '.' : '?');
            }
            rows[y] = sb.toString();
        }
        return rows;
    }
}
