package io.imagefleet.worker.imaging;

/** A native codec could not do what was asked; the message is the library's. Not final: libheif's errors carry their codes. */
class NativeCodecException extends Exception {
    private static final long serialVersionUID = 1L;

    NativeCodecException(String message) {
        super(message);
    }

    NativeCodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
