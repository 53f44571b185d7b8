package io.imagefleet.worker.supervise;

import io.imagefleet.worker.control.ControlCodec;
import io.imagefleet.worker.control.ControlMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Starts worker JVMs for the supervisor: the command line (this JVM's java and class path, the
 * children's options, {@code --supervised}), the environment, a reader of each child's control
 * messages and a reader of its log lines. A child learns its slot from its go. Thread-safe.
 */
final class JvmLauncher implements ChildLauncher {
    static final String MALLOC_ARENAS = "2";

    private final String mainClass;
    private final List<String> jvmOptions;
    private final List<String> extraArgs;
    private final Map<String, String> environment;
    private final ChildLogs logs;
    private final LongSupplier nanos;
    private final AotCache aot;

    /**
     * @param mainClass   the child's main class (normally {@code WorkerMain})
     * @param jvmOptions  options for every child (heap, OOM handling, AOT cache)
     * @param extraArgs   arguments after {@code --supervised}
     * @param environment added to this process's environment for the children
     * @param logs        where the children's log lines go
     */
    JvmLauncher(String mainClass, List<String> jvmOptions, List<String> extraArgs, Map<String, String> environment,
                         ChildLogs logs, LongSupplier nanos) {
        this(mainClass, jvmOptions, extraArgs, environment, logs, nanos, null);
    }

    /** A launcher whose children use (and the first of them trains) a JDK AOT cache at {@code aotCache}. */
    JvmLauncher(String mainClass, List<String> jvmOptions, List<String> extraArgs, Map<String, String> environment,
                         ChildLogs logs, LongSupplier nanos, Path aotCache) {
        this.aot = AotCache.of(aotCache);
        this.mainClass = mainClass;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.extraArgs = List.copyOf(extraArgs);
        this.environment = Map.copyOf(environment);
        this.logs = logs;
        this.nanos = nanos;
    }

    List<String> command(List<String> aotOptions) {
        List<String> args = new ArrayList<>(List.of("--supervised"));
        args.addAll(extraArgs);
        // JVM warnings to stderr with the logs: stdout carries control messages only.
        return JvmCommand.of(mainClass).jvm("-Xlog:disable", "-Xlog:all=warning:stderr").jvm(jvmOptions)
                .jvm(aotOptions).args(args.toArray(String[]::new)).toList();
    }

    @Override
    public void aotTrained() {
        aot.trained();
    }

    @Override
    public boolean aotCacheMissing() {
        return aot.missing();
    }

    @Override
    public Child launchAotTrainer(Events events) throws IOException {
        Path dir = aot.path().toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        return launch(AotCache.TRAINER, 0, events, aot.trainOptions());
    }

    @Override
    public Child launch(int slot, int generation, Events events) throws IOException {
        return launch(slot, generation, events, aot.useOptions());
    }

    private ProcessChild launch(int slot, int generation, Events events, List<String> aotOptions) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(aotOptions));
        environment(pb.environment());
        Process process = pb.start();
        ProcessChild child = new ProcessChild(slot, generation, process, nanos.getAsLong());
        daemon("imagefleet-child-" + process.pid() + "-log", () -> pump(child));
        daemon("imagefleet-child-" + process.pid() + "-control", () -> readControl(child, events));
        return child;
    }

    /**
     * A child's environment: this process's, the configured additions, and glibc's malloc held to
     * {@value #MALLOC_ARENAS} arenas unless {@code MALLOC_ARENA_MAX} is set. glibc's default (8 per
     * core) lets every thread that mallocs (job threads in the native decoder, JIT compilers, Kafka
     * client threads) keep freed native memory in an arena of its own: worker JVMs at -Xmx256m
     * peaked at 416-467 MiB resident with it and 386-428 MiB with 2 arenas, at the same CPU per image.
     */
    void environment(Map<String, String> env) {
        env.putAll(environment);
        env.putIfAbsent("MALLOC_ARENA_MAX", MALLOC_ARENAS);
    }

    /** Reads the child's messages in order; once its stdout closes and it has exited, reports the exit. */
    private void readControl(ProcessChild child, Events events) {
        ControlCodec codec = new ControlCodec();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.process().getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String l = line;
                codec.decode(l).ifPresentOrElse(m -> events.message(child, m), () -> logs.line(child.slot(), l));
            }
        } catch (IOException e) {
            logs.line(child.slot(), "control channel failed: " + e);
        }
        int code;
        try {
            code = child.process().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        events.exited(child, code);
    }

    private void pump(ProcessChild child) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(child.process().getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                logs.line(child.slot(), line);
            }
        } catch (IOException e) {
            logs.line(child.slot(), "log stream failed: " + e);
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }
}
