package io.imagefleet.worker.supervise;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the command line of a child JVM that runs with this JVM's {@code java} binary and
 * class path: worker JVMs, the embedded broker. Immutable.
 */
public final class JvmCommand {
    private final List<String> jvmOptions = new ArrayList<>();
    private final String mainClass;
    private final List<String> args = new ArrayList<>();

    private JvmCommand(String mainClass) {
        this.mainClass = mainClass;
    }

    public static JvmCommand of(String mainClass) {
        return new JvmCommand(mainClass);
    }

    public JvmCommand jvm(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    public JvmCommand jvm(List<String> options) {
        jvmOptions.addAll(options);
        return this;
    }

    public JvmCommand args(String... arguments) {
        args.addAll(List.of(arguments));
        return this;
    }

    /**
     * The full command: java, options, class path, main class, arguments. Every child may call
     * native code through the foreign-function API (worker JVMs use libjpeg-turbo and libwebp),
     * so native access is enabled for the class path.
     */
    public List<String> toList() {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** The {@code java} of the running JVM. */
    public static String javaBinary() {
        Path home = Path.of(System.getProperty("java.home"));
        Path java = home.resolve("bin").resolve("java");
        return Files.isExecutable(java) ? java.toString()
                : ProcessHandle.current().info().command().orElse("java");
    }
}
