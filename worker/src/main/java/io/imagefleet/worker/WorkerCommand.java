package io.imagefleet.worker;

import io.imagefleet.config.ConfigException;
import io.imagefleet.worker.imaging.NativeCodecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code imagefleet worker}: runs one worker in this JVM. Flags are written over the
 * environment's {@code IMAGEFLEET_*} keys, so every flag has an environment variable.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker: consume jobs, process images, publish results.")
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (IMAGEFLEET_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--threads", description = "Jobs processed at once (IMAGEFLEET_THREADS).")
    Integer threads;

    @Option(names = "--slot", hidden = true, description = "The supervisor's slot number for this worker JVM.")
    int slot;

    @Option(names = "--check", description = "Check the configuration and report which native codecs "
            + "(libjpeg-turbo, libwebp) this worker would use, then exit.")
    boolean check;

    @Override
    public Integer call() {
        Map<String, String> env = new HashMap<>(System.getenv());
        put(env, "IMAGEFLEET_BOOTSTRAP_SERVERS", bootstrapServers);
        put(env, "IMAGEFLEET_THREADS", threads);
        try {
            if (check) {
                return WorkerMain.check(env, System.out);
            }
            return WorkerMain.runWorker(env, slot);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (NativeCodecs.Missing e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    static void put(Map<String, String> env, String key, Object flag) {
        if (flag != null) {
            env.put(key, flag.toString());
        }
    }
}
