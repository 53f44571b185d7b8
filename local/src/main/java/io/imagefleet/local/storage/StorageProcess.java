package io.imagefleet.local.storage;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * The main class of the storage JVM: runs S3Proxy's own main ({@code org.gaul.s3proxy.Main},
 * from its self-contained jar, the only other entry of this JVM's class path) and, when given the
 * parent's pid, exits as soon as that parent is gone, so a killed demo or test never leaves a
 * server behind. Uses nothing but the JDK, so it runs beside S3Proxy's dependencies and none of ours.
 */
public final class StorageProcess {
    private StorageProcess() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        if (args.length < 1) {
            System.err.println("usage: StorageProcess s3proxy.properties [parent-pid]");
            System.exit(2);
        }
        if (args.length > 1) {
            long parentPid = Long.parseLong(args[1]);
            Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
            if (parent.isEmpty()) {
                System.exit(0);
            }
            Thread watch = new Thread(() -> {
                parent.get().onExit().join();
                System.err.println("parent process " + parentPid + " is gone; stopping the S3 server");
                System.exit(0);
            }, "parent-watch");
            watch.setDaemon(true);
            watch.start();
        }
        try {
            Class.forName("org.gaul.s3proxy.Main").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[] {"--properties", args[0]});
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the S3 server failed", e.getCause());
        }
    }
}
