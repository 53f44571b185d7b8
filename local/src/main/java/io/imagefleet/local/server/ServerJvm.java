package io.imagefleet.local.server;

import io.imagefleet.worker.supervise.JvmCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server run as a JVM of its own through {@link ServerMain}, its output appended to a log
 * file: started with a shutdown hook that stops it with this JVM, stopped cleanly (SIGTERM, then
 * up to a timeout, then killed) or killed at once as a crash would be, and started again.
 * The embedded broker and the embedded S3 server are built on it. Not thread-safe.
 */
public final class ServerJvm {
    private static final Logger log = LoggerFactory.getLogger(ServerJvm.class);

    private final String what;
    private final Path logFile;
    private final Duration stopTimeout;
    private Process process;
    private Thread shutdownHook;

    /**
     * @param what        the server's name in messages ("broker", "S3 server")
     * @param logFile     where its output is appended
     * @param stopTimeout how long {@link #stop()} waits after SIGTERM before it kills
     */
    public ServerJvm(String what, Path logFile, Duration stopTimeout) {
        this.what = what;
        this.logFile = logFile;
        this.stopTimeout = stopTimeout;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a JVM with these options, on this JVM's class
     * path, or on {@code classPath} when it is not empty (ServerMain's classes must be on it).
     */
    public void start(List<String> jvmOptions, List<Path> classPath, String mainClass, List<String> args)
            throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("the " + what + " is already running (pid " + process.pid() + ")");
        }
        List<String> mainArgs = new ArrayList<>(List.of(Long.toString(ProcessHandle.current().pid()), what, mainClass));
        mainArgs.addAll(args);
        List<String> cmd;
        if (classPath.isEmpty()) {
            cmd = JvmCommand.of(ServerMain.class.getName()).jvm(jvmOptions).args(mainArgs.toArray(String[]::new)).toList();
        } else {
            cmd = new ArrayList<>();
            cmd.add(JvmCommand.javaBinary());
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
            cmd.add(ServerMain.class.getName());
            cmd.addAll(mainArgs);
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        shutdownHook = new Thread(this::stopQuietly, "embedded-" + what.replace(' ', '-') + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server JVM's pid, while it runs. */
    public long pid() {
        if (process == null) {
            throw new IllegalStateException("the " + what + " is not running");
        }
        return process.pid();
    }

    /** Throws, with the log's tail, when the server exited while it was being waited for. */
    public void checkAlive() {
        if (process != null && !process.isAlive()) {
            throw new IllegalStateException("the " + what + " exited with code " + process.exitValue()
                    + " before it was ready; its log: " + logFile + "\n" + tail());
        }
    }

    /** The failure of a server that did not answer within {@code timeout}, with the log's tail. */
    public IllegalStateException notReady(Duration timeout, String detail) {
        return new IllegalStateException("the " + what + " was not ready within " + timeout.toSeconds() + " s"
                + (detail.isEmpty() ? "" : " (" + detail + ")") + "; its log: " + logFile + "\n" + tail());
    }

    /** Stops the server cleanly (SIGTERM, then up to the stop timeout), killing it if it does not stop. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the {} did not stop within {} s; killing it", what, stopTimeout.toSeconds());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        forget();
    }

    /** Kills the server JVM at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            forget();
        }
    }

    /** Stops the server, logging rather than throwing a failure: for clean-up paths. */
    public void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("stopping the {} failed: {}", what, e.toString());
        }
    }

    private void forget() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running or has run
            }
            shutdownHook = null;
        }
        process = null;
    }

    /** The last 30 lines of the server's log. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** A port free on the loopback interface now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
