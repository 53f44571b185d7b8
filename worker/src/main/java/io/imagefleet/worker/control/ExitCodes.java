package io.imagefleet.worker.control;

/** The exit codes of a worker JVM, as its supervisor reads them. */
public final class ExitCodes {
    private ExitCodes() {
    }

    /** Stopped when told to (SIGTERM, or its supervisor gone), after draining. */
    public static final int OK = 0;
    /** The configuration was rejected at start. */
    public static final int CONFIG = 2;
    /** {@code -XX:+ExitOnOutOfMemoryError}: the JVM's own code for an OutOfMemoryError. */
    public static final int OUT_OF_MEMORY = 3;
    /** An uncaught {@link Error} halted the JVM. */
    public static final int HALTED_ON_ERROR = 70;
    /** Recycled: drained, committed and exited so that a fresh JVM takes its place. */
    public static final int RECYCLE = 75;
    /** Killed by SIGTERM before it could handle it (128 + 15). */
    public static final int SIGTERM = 143;

    /**
     * Why a worker JVM that was not told to exit did, as a short name from a closed set (a metrics
     * tag): {@code out-of-memory}, {@code halted-on-error}, {@code bad-configuration},
     * {@code sigkill}, {@code sigsegv}, {@code sigabrt}, {@code sigterm}, {@code signal} (another
     * one), {@code ok}, {@code recycle} or {@code error} (any other code).
     */
    public static String cause(int code) {
        return switch (code) {
            case OK -> "ok";
            case CONFIG -> "bad-configuration";
            case OUT_OF_MEMORY -> "out-of-memory";
            case HALTED_ON_ERROR -> "halted-on-error";
            case RECYCLE -> "recycle";
            case 134 -> "sigabrt";
            case 137 -> "sigkill";
            case 139 -> "sigsegv";
            case SIGTERM -> "sigterm";
            default -> code > 128 ? "signal" : "error";
        };
    }

    /** Every name {@link #cause} can return. */
    public static final java.util.List<String> CAUSES = java.util.List.of("ok", "bad-configuration", "out-of-memory",
            "halted-on-error", "recycle", "sigabrt", "sigkill", "sigsegv", "sigterm", "signal", "error");

    /** A readable name for an exit code: {@code 75 (recycle)}, {@code 137 (SIGKILL)}. */
    public static String describe(int code) {
        String name = switch (code) {
            case OK -> "ok";
            case CONFIG -> "bad configuration";
            case OUT_OF_MEMORY -> "out of memory";
            case HALTED_ON_ERROR -> "halted on an Error";
            case RECYCLE -> "recycle";
            case 134 -> "SIGABRT";
            case 137 -> "SIGKILL";
            case 139 -> "SIGSEGV";
            case SIGTERM -> "SIGTERM";
            default -> code > 128 ? "signal " + (code - 128) : "error";
        };
        return code + " (" + name + ")";
    }
}
