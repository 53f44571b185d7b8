package io.imagefleet.local.server;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The main class of a server JVM (the embedded broker, the embedded S3 server): runs the
 * server's own main class and exits (cleanly, through the server's shutdown hooks) as soon as
 * the parent process is gone, so a killed demo or test never leaves a server behind. Uses
 * nothing but the JDK, so it runs beside any server's class path and none of ours.
 *
 * <p>Arguments: {@code <parent-pid> <what> <main-class> [its arguments...]}, where {@code what}
 * names the server in the line logged when the parent goes.
 */
public final class ServerMain {
    private ServerMain() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        if (args.length < 3) {
            System.err.println("usage: ServerMain <parent-pid> <what> <main-class> [arguments...]");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        String what = args[1];
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty()) {
            System.exit(0);
        }
        Thread watch = new Thread(() -> {
            parent.get().onExit().join();
            System.err.println("parent process " + parentPid + " is gone; stopping the " + what);
            System.exit(0);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
        String[] serverArgs = Arrays.copyOfRange(args, 3, args.length);
        try {
            Class.forName(args[2]).getMethod("main", String[].class).invoke(null, (Object) serverArgs);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the " + what + " failed", e.getCause());
        }
    }
}
