package io.imagefleet.worker;

import io.imagefleet.config.ConfigException;
import io.imagefleet.worker.control.ExitCodes;
import io.imagefleet.worker.imaging.NativeCodecs;
import io.imagefleet.worker.source.Source;
import io.imagefleet.worker.supervise.SupervisorMain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code imagefleet worker}: runs one worker in this JVM, or with {@code --processes N} a
 * supervisor that runs N worker JVMs. Flags are written over the environment's
 * {@code IMAGEFLEET_*} keys, so every flag has an environment variable.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run a worker: consume jobs, process images, publish results.",
                "With --processes N (IMAGEFLEET_PROCESSES), run a supervisor that keeps N worker JVMs going, "
                        + "recycling and respawning them."})
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (IMAGEFLEET_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--threads", description = "Jobs processed at once per worker JVM (IMAGEFLEET_THREADS).")
    Integer threads;

    @Option(names = "--processes", description = "Run a supervisor with this many worker JVMs (IMAGEFLEET_PROCESSES).")
    Integer processes;

    @Option(names = "--slot", hidden = true, description = "The supervisor's slot number for this worker JVM.")
    int slot;

    @Option(names = "--supervised", hidden = true, description = "Talk to a supervisor over stdin and stdout.")
    boolean supervised;

    @Option(names = "--check", description = "Check the configuration and report which native codecs "
            + "(libjpeg-turbo, libwebp) this worker would use, then exit.")
    boolean check;

    private final Map<String, Source> extraSources;

    public WorkerCommand() {
        this(Map.of());
    }

    WorkerCommand(Map<String, Source> extraSources) {
        this.extraSources = Map.copyOf(extraSources);
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> env = new HashMap<>(System.getenv());
        put(env, "IMAGEFLEET_BOOTSTRAP_SERVERS", bootstrapServers);
        put(env, "IMAGEFLEET_THREADS", threads);
        put(env, "IMAGEFLEET_PROCESSES", processes);
        try {
            if (check) {
                return WorkerMain.check(env, System.out);
            }
            if (!supervised) {
                announce(DecodePath.detect(env));
            }
            if (!supervised && env.containsKey("IMAGEFLEET_PROCESSES")) {
                return SupervisorMain.run(env);
            }
            return WorkerMain.runWorker(env, slot, supervised, extraSources);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return ExitCodes.CONFIG;
        } catch (NativeCodecs.Missing e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    /** The first lines of a worker or a pod: which decode path its worker JVMs run, and how to get the faster one. */
    private static void announce(DecodePath path) {
        Logger log = LoggerFactory.getLogger(WorkerCommand.class);
        for (String line : path.lines()) {
            if (path.nativeJpeg() || path.off()) {
                log.info(line.strip());
            } else {
                log.warn(line.strip());
            }
        }
    }

    static void put(Map<String, String> env, String key, Object flag) {
        if (flag != null) {
            env.put(key, flag.toString());
        }
    }
}
