package io.imagefleet.local.doctor;

import io.imagefleet.config.Env;
import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.worker.DecodePath;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code imagefleet doctor}: what this machine gives the fleet. The JDK, Maven, the native codecs
 * (and the decode path they make), the default local ports, and a broker or an S3 store when
 * given; one line each, a fix under each that is not fine. Exits 1 when something stops the
 * fleet (a broker or store given that does not answer, a JDK too old), else 0.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check this machine for the fleet: the JDK, Maven, the native codecs, the ports, and a broker "
                + "or S3 store when given.")
public final class DoctorCommand implements Callable<Integer> {
    /** The ports the commands listen on by default, and who. */
    static final Map<Integer, String> DEFAULT_PORTS = defaultPorts();

    @Option(names = "--bootstrap-servers", description = "A Kafka cluster to check (IMAGEFLEET_BOOTSTRAP_SERVERS when set; "
            + "IMAGEFLEET_KAFKA_* client properties apply).")
    String bootstrapServers;

    @Option(names = "--s3-endpoint", description = "An S3-compatible store to check (IMAGEFLEET_S3_ENDPOINT when set).")
    URI s3Endpoint;

    @Option(names = "--port", paramLabel = "PORT", description = "Local ports to check instead of the defaults "
            + "(9092 broker, 9000 storage, 9400 metrics); repeatable.")
    List<Integer> ports = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (bootstrapServers != null) {
            env.put(KafkaSettings.BOOTSTRAP_KEY, bootstrapServers);
        }
        List<Finding> findings = new ArrayList<>();
        findings.add(Checks.jdk(Runtime.version(), System.getProperty("java.vendor"), System.getProperty("java.home")));
        findings.add(Checks.maven(List.of("mvn", "-v")));
        findings.addAll(Checks.natives(DecodePath.detect(env)));
        Map<Integer, String> toCheck = new LinkedHashMap<>();
        ports.forEach(p -> toCheck.put(p, DEFAULT_PORTS.getOrDefault(p, "given")));
        (toCheck.isEmpty() ? DEFAULT_PORTS : toCheck).forEach((port, user) -> findings.add(Checks.port(port, user)));
        if (env.containsKey(KafkaSettings.BOOTSTRAP_KEY)) {
            Env config = new Env(env);
            findings.addAll(Checks.broker(KafkaSettings.fromEnv(config), Topics.fromEnv(config)));
        }
        URI store = s3Endpoint != null ? s3Endpoint
                : env.containsKey("IMAGEFLEET_S3_ENDPOINT") && !env.get("IMAGEFLEET_S3_ENDPOINT").isBlank()
                ? URI.create(env.get("IMAGEFLEET_S3_ENDPOINT").trim()) : null;
        if (store != null) {
            findings.add(Checks.store(store));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("imagefleet doctor");
        findings.forEach(f -> out.println("  " + f.render().replace(System.lineSeparator(), System.lineSeparator() + "  ")));
        long warnings = findings.stream().filter(f -> f.status() == Finding.Status.WARN).count();
        long failures = findings.stream().filter(f -> f.status() == Finding.Status.FAIL).count();
        out.println(failures > 0 ? failures + " problem(s) stop the fleet here; " + warnings + " warning(s)"
                : warnings > 0 ? "the fleet runs here; " + warnings + " warning(s)" : "the fleet runs here");
        out.flush();
        return failures > 0 ? 1 : 0;
    }

    private static Map<Integer, String> defaultPorts() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(9092, "./imagefleet broker");
        ports.put(9000, "./imagefleet storage");
        ports.put(9400, "IMAGEFLEET_METRICS_PORT");
        return Collections.unmodifiableMap(ports);
    }
}
