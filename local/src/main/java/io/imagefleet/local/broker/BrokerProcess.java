package io.imagefleet.local.broker;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * The main class of the broker JVM: runs Apache Kafka's own broker ({@code kafka.Kafka}) and,
 * when given the parent's pid, exits (cleanly, through Kafka's shutdown hook) as soon as that
 * parent is gone, so a killed demo or test never leaves a broker behind.
 */
public final class BrokerProcess {
    private BrokerProcess() {
    }

    public static void main(String[] args) throws ReflectiveOperationException {
        if (args.length < 1) {
            System.err.println("usage: BrokerProcess server.properties [parent-pid]");
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
                System.err.println("parent process " + parentPid + " is gone; stopping the broker");
                System.exit(0);
            }, "parent-watch");
            watch.setDaemon(true);
            watch.start();
        }
        try {
            Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) new String[] {args[0]});
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the Kafka broker failed", e.getCause());
        }
    }
}
