package io.imagefleet.worker.deploy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.imagefleet.config.ByteSize;
import io.imagefleet.config.Env;
import io.imagefleet.config.KafkaSettings;
import io.imagefleet.worker.WorkerCommand;
import io.imagefleet.worker.config.S3Settings;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.health.HealthServer;
import io.imagefleet.worker.supervise.ChildHeap;
import io.imagefleet.worker.supervise.SupervisorConfig;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deploy files agree with the code: every overlay of {@code deploy/k8s} renders with
 * {@code kubectl kustomize}, and in what it renders every environment variable is one the
 * configuration classes read, the probes and metrics endpoints are the server's paths on its
 * port, the memory limit holds the worker JVMs' heaps, the grace period covers the drain, the
 * autoscaler stays within the jobs topic's partitions (and its credentials are KEDA's), and the
 * hardening is there; the
 * Dockerfile's entrypoint is the launcher's command; the compose file's settings are the code's.
 * Each check reports every mismatch at once.
 */
class DeployConsistencyTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final String DEPLOYMENT = "imagefleet-worker";
    private static final String CONTAINER = "worker";
    /** The authentication parameters of KEDA's Kafka scaler. */
    private static final Set<String> KEDA_KAFKA_AUTH = Set.of("sasl", "username", "password", "tls", "ca", "cert", "key",
            "keyPassword");

    @ParameterizedTest(name = "deploy/k8s/{0}")
    @ValueSource(strings = {"base", "overlays/production", "overlays/scale-to-zero", "overlays/hpa", "overlays/dev",
            "overlays/sasl"})
    void kustomize_everyOverlay_rendersAndAgreesWithTheCode(String overlay) throws Exception {
        List<Manifest> docs = render(DEPLOY.resolve("k8s").resolve(overlay));
        SoftAssertions softly = new SoftAssertions();

        Manifest deployment = one(docs, "Deployment", DEPLOYMENT);
        Manifest pod = deployment.get("spec", "template", "spec");
        Manifest container = pod.list("containers").stream().filter(c -> c.name().isEmpty()
                && CONTAINER.equals(c.string("name").orElse(""))).findFirst().orElseThrow(() ->
                new AssertionError("no container named " + CONTAINER + " in " + overlay));

        // ---- environment: only names the code reads, and values it accepts ----
        String configMapName = container.list("envFrom").stream().map(e -> e.string("configMapRef", "name").orElse(null))
                .filter(n -> n != null).findFirst().orElseThrow(() -> new AssertionError("no configMapRef in " + overlay));
        Map<String, String> env = new HashMap<>();
        one(docs, "ConfigMap", configMapName).map("data").forEach((k, v) -> env.put(k, String.valueOf(v)));
        List<String> names = new ArrayList<>(env.keySet());
        for (Manifest e : container.list("env")) {
            names.add(e.string("name").orElse(""));
            e.string("value").ifPresent(v -> env.put(e.string("name").get(), v));
        }
        Set<String> known = keysTheCodeReads();
        for (String name : names) {
            softly.assertThat(isSetting(name, known)).as("%s sets %s, which no configuration class reads (known: %s)",
                    overlay, name, known).isTrue();
        }
        SupervisorConfig supervisor = SupervisorConfig.fromEnv(env);
        WorkerConfig worker = WorkerConfig.fromEnv(env);
        softly.assertThat(env).as("IMAGEFLEET_PROCESSES makes `worker` the supervisor").containsKey("IMAGEFLEET_PROCESSES");
        softly.assertThat(env).as("%s: the object store's settings, for an operator to fill in", overlay).containsKeys(
                "IMAGEFLEET_S3_ENDPOINT", "IMAGEFLEET_S3_REGION", "IMAGEFLEET_S3_PATH_STYLE", "IMAGEFLEET_S3_BUCKETS",
                "IMAGEFLEET_S3_CACHE_CONTROL");
        softly.assertThat(container.list("envFrom")).as("Kafka credentials from an optional Secret")
                .anySatisfy(e -> assertThat(e.string("secretRef", "optional")).contains("true"));

        // ---- the command: the image's entrypoint (the launcher's command) with the worker subcommand ----
        softly.assertThat(container.at("command")).as("the image's entrypoint is used, not replaced").isEmpty();
        List<String> args = container.list("args").stream().map(a -> String.valueOf(a.root())).toList();
        String subcommand = WorkerCommand.class.getAnnotation(CommandLine.Command.class).name();
        softly.assertThat(args).as("container args").startsWith(subcommand);
        new CommandLine(new WorkerCommand()).parseArgs(args.subList(1, args.size()).toArray(String[]::new));

        // ---- the endpoint: the server's paths on IMAGEFLEET_METRICS_PORT ----
        int port = worker.observability().metricsPort();
        Manifest portSpec = container.list("ports").stream().filter(p -> p.string("name").orElse("").equals("metrics"))
                .findFirst().orElse(new Manifest(Map.of()));
        softly.assertThat(portSpec.string("containerPort")).as("containerPort named metrics").contains(Integer.toString(port));
        Map<String, String> probes = Map.of("livenessProbe", HealthServer.LIVE_PATH, "readinessProbe",
                HealthServer.READY_PATH, "startupProbe", HealthServer.LIVE_PATH);
        probes.forEach((probe, path) -> {
            softly.assertThat(container.string(probe, "httpGet", "path")).as(probe + " path").contains(path);
            softly.assertThat(container.string(probe, "httpGet", "port")).as(probe + " port")
                    .hasValueSatisfying(p -> assertThat(p).isIn("metrics", Integer.toString(port)));
        });
        Manifest service = one(docs, "Service", DEPLOYMENT);
        softly.assertThat(service.list("spec", "ports")).as("the Service's metrics port").anySatisfy(p -> {
            assertThat(p.string("name")).contains("metrics");
            assertThat(p.string("targetPort").orElse("")).isIn("metrics", Integer.toString(port));
        });
        for (Manifest monitor : all(docs, "ServiceMonitor")) {
            softly.assertThat(monitor.string("spec", "endpoints", 0, "port")).contains("metrics");
            softly.assertThat(monitor.string("spec", "endpoints", 0, "path")).contains(HealthServer.METRICS_PATH);
            softly.assertThat(monitor.string("metadata", "labels", "release"))
                    .as("%s: the ServiceMonitor's release label, which kube-prometheus-stack selects by", overlay).isPresent();
        }

        // ---- memory: requests = limits, and the limit holds the worker JVMs' heaps ----
        String limit = container.string("resources", "limits", "memory").orElse("0");
        softly.assertThat(container.string("resources", "requests", "memory")).as("memory request = limit").contains(limit);
        long limitBytes = quantity(limit);
        long heap = supervisor.childHeap() > 0 ? supervisor.childHeap() : ChildHeap.derive(limitBytes, supervisor.processes());
        softly.assertThat(ChildHeap.needed(supervisor.processes(), heap)).as(
                "memory %s %s must hold %d worker JVMs of %s heap (heap is 60%% of each one's share) and the supervisor",
                overlay, limit, supervisor.processes(), ByteSize.format(heap)).isLessThanOrEqualTo(limitBytes);

        // ---- stopping: the kubelet waits longer than the supervisor's grace ----
        long termination = Long.parseLong(pod.string("terminationGracePeriodSeconds").orElse("30"));
        softly.assertThat(termination).as("terminationGracePeriodSeconds > IMAGEFLEET_SHUTDOWN_GRACE (%s s, drain %s s)",
                supervisor.shutdownGrace().toSeconds(), worker.drainTimeout().toSeconds())
                .isGreaterThan(supervisor.shutdownGrace().toSeconds());

        // ---- hardening ----
        softly.assertThat(pod.string("securityContext", "runAsNonRoot")).contains("true");
        softly.assertThat(container.string("securityContext", "readOnlyRootFilesystem")).contains("true");
        softly.assertThat(container.string("securityContext", "allowPrivilegeEscalation")).contains("false");
        softly.assertThat(container.at("securityContext", "capabilities", "drop")).as("capabilities dropped")
                .hasValueSatisfying(d -> assertThat(String.valueOf(d)).isEqualTo("[ALL]"));
        softly.assertThat(container.list("volumeMounts")).as("a writable volume at the JVM's temp directory /tmp")
                .anySatisfy(m -> assertThat(m.string("mountPath")).contains("/tmp"));
        one(docs, "PodDisruptionBudget", DEPLOYMENT);
        softly.assertThat(all(docs, "ServiceAccount").stream().map(Manifest::name))
                .as("the ServiceAccount the pods run as").contains(pod.string("serviceAccountName").orElse("default"));
        for (Manifest policy : all(docs, "NetworkPolicy")) {
            Egress.of(policy).check(softly, overlay, worker, env);
        }

        // ---- topics and scaling: never more consumers than partitions ----
        Map<String, Integer> partitions = new HashMap<>();
        for (Manifest t : all(docs, "KafkaTopic")) {
            partitions.put(t.string("spec", "topicName").orElse(t.name()), Integer.parseInt(t.string("spec", "partitions").orElse("0")));
        }
        if (!partitions.isEmpty()) {
            softly.assertThat(partitions).as("KafkaTopics").containsKeys(worker.topics().jobs(), worker.topics().results(),
                    worker.topics().dlq());
        }
        // Without KafkaTopics (a cluster without Strimzi), the topics are made by hand: nothing to compare with.
        int jobsPartitions = partitions.getOrDefault(worker.topics().jobs(), Integer.MAX_VALUE);
        for (Manifest scaler : all(docs, "ScaledObject")) {
            int max = Integer.parseInt(scaler.string("spec", "maxReplicaCount").orElse("100"));
            softly.assertThat(max).as("KEDA maxReplicaCount <= partitions of %s", worker.topics().jobs())
                    .isLessThanOrEqualTo(jobsPartitions);
            softly.assertThat((long) max * supervisor.processes()).as("KEDA maxReplicaCount x IMAGEFLEET_PROCESSES <= partitions")
                    .isLessThanOrEqualTo(jobsPartitions);
            checkScaling(softly, overlay, scaler, max);
            softly.assertThat(scaler.string("spec", "scaleTargetRef", "name")).contains(DEPLOYMENT);
            Manifest trigger = scaler.get("spec", "triggers", 0, "metadata");
            softly.assertThat(trigger.string("topic")).as("KEDA topic").contains(worker.topics().jobs());
            softly.assertThat(trigger.string("consumerGroup")).as("KEDA consumer group").contains(worker.groupId());
            softly.assertThat(trigger.string("bootstrapServers")).as("KEDA bootstrap servers")
                    .contains(worker.kafka().bootstrapServers());
            scaler.string("spec", "triggers", 0, "authenticationRef", "name").ifPresent(auth -> {
                Optional<Manifest> ta = all(docs, "TriggerAuthentication").stream().filter(t -> t.name().equals(auth)).findFirst();
                softly.assertThat(ta).as("the TriggerAuthentication %s the scaler names", auth).isPresent();
                ta.ifPresent(t -> softly.assertThat(t.list("spec", "secretTargetRef").stream().map(r -> r.string("parameter").orElse("")))
                        .as("parameters of KEDA's Kafka scaler").isNotEmpty().isSubsetOf(KEDA_KAFKA_AUTH));
            });
        }
        for (Manifest hpa : all(docs, "HorizontalPodAutoscaler")) {
            int max = Integer.parseInt(hpa.string("spec", "maxReplicas").orElse("100"));
            softly.assertThat((long) max * supervisor.processes()).as("HPA maxReplicas x IMAGEFLEET_PROCESSES <= partitions")
                    .isLessThanOrEqualTo(jobsPartitions);
            softly.assertThat(hpa.string("spec", "scaleTargetRef", "name")).contains(DEPLOYMENT);
            softly.assertThat(container.string("resources", "requests", "cpu")).as("a CPU request, for the HPA").isPresent();
        }
        int autoscalers = all(docs, "ScaledObject").size() + all(docs, "HorizontalPodAutoscaler").size();
        softly.assertThat(autoscalers).as("at most one autoscaler").isLessThanOrEqualTo(1);
        if (autoscalers > 0) {
            softly.assertThat(deployment.at("spec", "replicas")).as("%s: the Deployment sets spec.replicas under an "
                    + "autoscaler, so every kubectl apply would snap the fleet back to that count", overlay).isEmpty();
        }
        for (Manifest user : all(docs, "KafkaUser")) {
            KafkaAcls.of(user).check(softly, overlay, worker, container);
        }
        softly.assertAll();
    }

    /**
     * KEDA's settings make sense together: a minimum, a fallback within the bounds for when the
     * lag cannot be read, and, for a fleet that scales to zero, activation on the first job and a
     * cooldown before the last pod goes.
     */
    private static void checkScaling(SoftAssertions softly, String overlay, Manifest scaler, int max) {
        Optional<String> min = scaler.string("spec", "minReplicaCount");
        softly.assertThat(min).as("%s: KEDA minReplicaCount is set (its default, 0, scales to zero)", overlay).isPresent();
        int minimum = Integer.parseInt(min.orElse("0"));
        softly.assertThat(scaler.string("spec", "fallback", "failureThreshold")).as("%s: KEDA fallback", overlay).isPresent();
        int fallback = Integer.parseInt(scaler.string("spec", "fallback", "replicas").orElse("0"));
        softly.assertThat(fallback).as("%s: KEDA fallback replicas within [max(1, minReplicaCount), maxReplicaCount]", overlay)
                .isBetween(Math.max(1, minimum), max);
        if (minimum == 0) {
            softly.assertThat(scaler.string("spec", "triggers", 0, "metadata", "activationLagThreshold"))
                    .as("%s: scaled to zero, the first waiting job wakes the fleet", overlay).contains("0");
            softly.assertThat(Integer.parseInt(scaler.string("spec", "cooldownPeriod").orElse("300")))
                    .as("%s: cooldownPeriod before the last pod goes", overlay).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void kustomize_scaleToZero_hasNoMinimumAndProductionKeepsOnePod() throws Exception {
        Manifest zero = one(render(DEPLOY.resolve("k8s/overlays/scale-to-zero")), "ScaledObject", DEPLOYMENT);
        Manifest production = one(render(DEPLOY.resolve("k8s/overlays/production")), "ScaledObject", DEPLOYMENT);

        assertThat(zero.string("spec", "minReplicaCount")).contains("0");
        assertThat(production.string("spec", "minReplicaCount")).contains("1");
    }

    /** API groups that need an operator or CRDs a plain cluster does not have. */
    private static final Set<String> OPERATOR_GROUPS = Set.of("keda.sh", "kafka.strimzi.io", "monitoring.coreos.com");

    @ParameterizedTest(name = "deploy/k8s/{0}")
    @ValueSource(strings = {"base", "overlays/hpa", "overlays/dev"})
    void kustomize_overlayForAPlainCluster_needsNoOperator(String overlay) throws Exception {
        List<String> needing = render(DEPLOY.resolve("k8s").resolve(overlay)).stream()
                .filter(d -> OPERATOR_GROUPS.contains(d.string("apiVersion").orElse("").replaceAll("/.*", "")))
                .map(d -> d.kind() + " " + d.name()).toList();

        assertThat(needing).as("%s renders resources only an operator understands", overlay).isEmpty();
    }

    @Test
    void kustomize_components_holdTheOperatorsResources() throws IOException {
        try (var dirs = Files.list(DEPLOY.resolve("k8s/components"))) {
            List<Path> components = dirs.filter(Files::isDirectory).toList();
            assertThat(components).isNotEmpty().allSatisfy(dir -> assertThat(
                    Files.readString(dir.resolve("kustomization.yaml"))).as("%s is a kustomize Component", dir)
                    .contains("kind: Component"));
        }
        assertThat(Files.readString(DEPLOY.resolve("monitoring/kustomization.yaml"))).contains("kind: Component");
    }

    @Test
    void dockerfile_entrypointAndSettings_agreeWithTheLauncherAndTheCode() throws IOException {
        Dockerfile docker = Dockerfile.read(DEPLOY.resolve("Dockerfile"));
        Launcher launcher = Launcher.read(ROOT.resolve("imagefleet"));
        SoftAssertions softly = new SoftAssertions();

        List<String> entrypoint = docker.jsonArray("ENTRYPOINT");
        softly.assertThat(entrypoint.get(0)).as("the entrypoint runs java").isEqualTo("java");
        softly.assertThat(entrypoint).as("the launcher's JVM flags").containsAll(launcher.jvmFlags());
        softly.assertThat(entrypoint.get(entrypoint.size() - 1)).as("the launcher's main class").isEqualTo(launcher.mainClass());
        softly.assertThat(Files.readString(ROOT.resolve("local/src/main/java/" + launcher.mainClass().replace('.', '/') + ".java")))
                .as("the main class has the worker command").contains("WorkerCommand.class");
        softly.assertThat(docker.jsonArray("CMD")).containsExactly(WorkerCommand.class.getAnnotation(CommandLine.Command.class).name());

        Set<String> known = keysTheCodeReads();
        Map<String, String> env = docker.env();
        env.keySet().stream().filter(k -> k.startsWith("IMAGEFLEET_")).forEach(k ->
                softly.assertThat(isSetting(k, known)).as("the Dockerfile sets %s, which no configuration class reads", k).isTrue());
        softly.assertThat(env).as("IMAGEFLEET_PROCESSES makes the entrypoint the supervisor").containsKey("IMAGEFLEET_PROCESSES");
        softly.assertThat(docker.instruction("EXPOSE")).as("EXPOSE is IMAGEFLEET_METRICS_PORT")
                .contains(env.get("IMAGEFLEET_METRICS_PORT"));
        softly.assertThat(docker.instruction("USER")).as("a non-root user").isNotEmpty()
                .allSatisfy(u -> assertThat(u).doesNotStartWith("0").isNotEqualTo("root"));
        softly.assertThat(docker.text()).as("the AOT cache is trained where IMAGEFLEET_AOT_CACHE points")
                .contains("-XX:AOTCacheOutput=" + env.get("IMAGEFLEET_AOT_CACHE"));
        String argFile = entrypoint.stream().filter(a -> a.startsWith("@")).findFirst().orElse("(none)");
        softly.assertThat(docker.text()).as("the AOT cache is trained with the entrypoint's class path")
                .contains(argFile + " io.imagefleet.worker.WorkerMain --supervised");
        softly.assertThat(docker.text()).as("the native codec libraries").contains("libturbojpeg0", "libwebp7");
        softly.assertAll();
    }

    @Test
    void compose_workersSettings_areTheCodesAndTheGraceCoversTheDrain() throws IOException {
        Manifest compose = new Manifest(new Yaml().load(Files.readString(DEPLOY.resolve("compose/compose.yaml"))));
        Set<String> known = keysTheCodeReads();
        SoftAssertions softly = new SoftAssertions();
        for (String service : List.of("worker", "submit")) {
            Map<String, String> env = new HashMap<>();
            compose.map("services", service, "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
            env.keySet().forEach(k -> softly.assertThat(isSetting(k, known))
                    .as("compose service %s sets %s, which no configuration class reads", service, k).isTrue());
            softly.assertThat(compose.string("services", service, "build", "dockerfile")).contains("deploy/Dockerfile");
        }
        Map<String, String> env = new HashMap<>();
        compose.map("services", "worker", "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
        SupervisorConfig supervisor = SupervisorConfig.fromEnv(env);
        long grace = Long.parseLong(compose.string("services", "worker", "stop_grace_period").orElse("10s").replace("s", ""));
        softly.assertThat(grace).as("stop_grace_period > IMAGEFLEET_SHUTDOWN_GRACE").isGreaterThan(supervisor.shutdownGrace().toSeconds());
        String host = WorkerConfig.fromEnv(env).kafka().bootstrapServers().replaceAll(":.*", "");
        softly.assertThat(compose.map("services")).as("the Kafka service the workers name").containsKey(host);
        S3Settings s3 = WorkerConfig.fromEnv(env).s3();
        softly.assertThat(s3.endpoint()).as("the workers' S3 endpoint").isPresent();
        s3.endpoint().ifPresent(endpoint -> {
            Map<String, Object> store = compose.map("services", endpoint.getHost());
            softly.assertThat(store).as("the S3 store service the workers name (%s)", endpoint).isNotEmpty();
            Map<String, Object> storeEnv = compose.map("services", endpoint.getHost(), "environment");
            softly.assertThat(String.valueOf(storeEnv.get("S3PROXY_ENDPOINT"))).as("the store listens on the endpoint's port")
                    .endsWith(":" + endpoint.getPort());
            softly.assertThat(String.valueOf(storeEnv.get("S3PROXY_IDENTITY"))).as("the store's identity is the workers' key")
                    .isEqualTo(env.get("AWS_ACCESS_KEY_ID"));
            softly.assertThat(String.valueOf(storeEnv.get("S3PROXY_CREDENTIAL"))).as("the store's credential is the workers' secret")
                    .isEqualTo(env.get("AWS_SECRET_ACCESS_KEY"));
        });
        List<String> submit = compose.list("services", "submit", "command").stream().map(c -> String.valueOf(c.root())).toList();
        String target = submit.get(submit.indexOf("--target") + 1);
        if (target.startsWith("s3://")) {
            softly.assertThat(s3.allows(target.substring(5, target.indexOf('/', 5)))).as("IMAGEFLEET_S3_BUCKETS allows the "
                    + "submitted target %s", target).isTrue();
        }
        long limit = quantity(compose.string("services", "worker", "mem_limit").orElse("0"));
        softly.assertThat(ChildHeap.needed(supervisor.processes(), ChildHeap.derive(limit, supervisor.processes())))
                .as("mem_limit holds the worker JVMs").isLessThanOrEqualTo(limit);
        softly.assertAll();
    }

    // ---- helpers ----

    /** Every key the worker and the supervisor read, found by building both configurations. */
    static Set<String> keysTheCodeReads() {
        Env worker = new Env(Map.of());
        WorkerConfig.fromEnv(worker);
        Env supervisor = new Env(Map.of());
        SupervisorConfig.fromEnv(supervisor);
        Set<String> keys = new TreeSet<>(worker.keysRead());
        keys.addAll(supervisor.keysRead());
        return keys;
    }

    /** A name the code reads, a Kafka client property passed through, or one the AWS SDK's default chain reads. */
    static boolean isSetting(String name, Set<String> known) {
        return known.contains(name) || AWS_SDK_ENV.contains(name)
                || (name.startsWith(KafkaSettings.PASSTHROUGH_PREFIX) && name.length() > KafkaSettings.PASSTHROUGH_PREFIX.length());
    }

    /** What the AWS SDK's default credentials and region chain reads from the environment (S3 credentials). */
    static final Set<String> AWS_SDK_ENV = Set.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_REGION", "AWS_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE");

    static List<Manifest> render(Path dir) throws IOException, InterruptedException {
        Path kubectl = onPath("kubectl");
        if (kubectl == null) {
            System.out.println("SKIPPED: kubectl is not installed, so deploy/k8s is neither rendered nor checked");
        }
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed: deploy/k8s is neither rendered nor checked");
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize %s: %s", dir, err).isZero();
        List<Manifest> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(new String(out, StandardCharsets.UTF_8))) {
            if (doc != null) {
                docs.add(new Manifest(doc));
            }
        }
        assertThat(docs).as("resources rendered from %s", dir).isNotEmpty();
        return docs;
    }

    private static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static Manifest one(List<Manifest> docs, String kind, String namePrefix) {
        List<Manifest> found = docs.stream().filter(d -> d.kind().equals(kind) && d.name().startsWith(namePrefix)).toList();
        assertThat(found).as("one %s named %s*", kind, namePrefix).hasSize(1);
        return found.get(0);
    }

    static List<Manifest> all(List<Manifest> docs, String kind) {
        return docs.stream().filter(d -> d.kind().equals(kind)).toList();
    }

    /** A Kubernetes or compose memory quantity in bytes: 2Gi, 1536Mi, 1536m (compose), 2G. */
    static long quantity(String q) {
        Matcher m = Pattern.compile("(\\d+)([KMGT]i?|[kmg])?").matcher(q.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a memory quantity: " + q);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "" -> n;
            case "Ki", "k" -> n << 10;
            case "Mi", "m" -> n << 20;
            case "Gi", "g" -> n << 30;
            case "Ti" -> n << 40;
            case "K" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            default -> n * 1000_000_000_000L;
        };
    }

    /** The Dockerfile's instructions, continuation lines joined. */
    record Dockerfile(List<String> lines) {
        static Dockerfile read(Path file) throws IOException {
            List<String> out = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.stripLeading().startsWith("#")) {
                    continue;
                }
                current.append(line.strip());
                if (line.endsWith("\\")) {
                    current.setLength(current.length() - 1);
                    current.append(' ');
                } else {
                    out.add(current.toString());
                    current.setLength(0);
                }
            }
            return new Dockerfile(out);
        }

        String text() {
            return String.join("\n", lines);
        }

        /** The arguments of every instruction of this name (in the last stage that has one, last wins). */
        List<String> instruction(String name) {
            return lines.stream().filter(l -> l.startsWith(name + " ")).map(l -> l.substring(name.length() + 1).trim()).toList();
        }

        List<String> jsonArray(String name) {
            List<String> found = instruction(name);
            assertThat(found).as("a %s instruction in exec (JSON) form", name).isNotEmpty();
            try {
                return Arrays.asList(JsonMapper.builder().build().readValue(found.get(found.size() - 1), String[].class));
            } catch (IOException e) {
                throw new AssertionError(name + " is not a JSON array: " + found, e);
            }
        }

        /** Every {@code ENV KEY=VALUE} pair. */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\\S+)");
            for (String args : instruction("ENV")) {
                Matcher m = pair.matcher(args);
                while (m.find()) {
                    env.put(m.group(1), m.group(2));
                }
            }
            return env;
        }
    }

    /** The launcher script's java command: its JVM flags and main class. */
    record Launcher(List<String> jvmFlags, String mainClass) {
        static Launcher read(Path script) throws IOException {
            String text = Files.readString(script).replace("\\\n", " ");
            String exec = text.lines().filter(l -> l.stripLeading().startsWith("exec ") && l.contains("bin/java"))
                    .findFirst().orElseThrow(() -> new AssertionError("no exec of java in " + script));
            List<String> tokens = Arrays.stream(exec.trim().split("\\s+")).toList();
            List<String> flags = tokens.stream().filter(t -> t.startsWith("--enable-native-access")).toList();
            String main = tokens.stream().filter(t -> t.matches("[a-z]+(\\.[a-z]+)+\\.[A-Z]\\w*")).findFirst()
                    .orElseThrow(() -> new AssertionError("no main class in " + exec));
            return new Launcher(flags, main);
        }
    }

    @Test
    void quantity_kubernetesAndComposeUnits_inBytes() {
        assertThat(quantity("2Gi")).isEqualTo(2L << 30);
        assertThat(quantity("1536m")).isEqualTo(1536L << 20);
        assertThat(quantity("500M")).isEqualTo(500_000_000L);
    }
}
