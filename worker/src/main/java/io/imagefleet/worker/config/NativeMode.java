package io.imagefleet.worker.config;

/** How a worker uses the native codec libraries ({@code IMAGEFLEET_NATIVE}). */
public enum NativeMode {
    /** Use each library that loads; ImageIO + TwelveMonkeys for the rest. */
    AUTO,
    /** Use none: ImageIO + TwelveMonkeys only (WebP outputs fail). */
    OFF,
    /** Refuse to start unless libturbojpeg and libwebp both load. */
    REQUIRED
}
