package io.imagefleet.worker.imaging;

import org.junit.jupiter.api.Assumptions;

/** The native codecs for tests: loaded once; tests that need one skip, saying why, when it is missing. */
final class NativeTestSupport {
    static final NativeCodecs NATIVES = NativeCodecs.load(false, false);

    private NativeTestSupport() {
    }

    static void assumeTurboJpeg() {
        Assumptions.assumeTrue(NATIVES.hasTurboJpeg(), () -> "libturbojpeg is not installed here (apt-get install libturbojpeg0): "
                + NATIVES.report());
    }

    static void assumeHeif() {
        Assumptions.assumeTrue(NATIVES.hasHeif(), () -> "libheif is not installed here (apt-get install libheif1): "
                + NATIVES.report());
    }

    static void assumeWebp() {
        Assumptions.assumeTrue(NATIVES.hasWebp(), () -> "libwebp is not installed here (apt-get install libwebp7): "
                + NATIVES.report());
    }

    static void assumeWebpAnimation() {
        Assumptions.assumeTrue(NATIVES.hasWebpAnimation(), () -> "libwebpdemux/libwebpmux are not installed here "
                + "(apt-get install libwebpdemux2 libwebpmux3): " + NATIVES.report());
    }
}
