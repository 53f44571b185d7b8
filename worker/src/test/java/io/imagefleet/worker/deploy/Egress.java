package io.imagefleet.worker.deploy;

import io.imagefleet.worker.config.WorkerConfig;
import org.assertj.core.api.SoftAssertions;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The egress rules of the workers' NetworkPolicy, checked against what the configuration makes
 * the workers reach: Kafka's ports, http and https image hosts on public addresses (and only
 * those, unless private ones are allowed), the S3 endpoint's port, and a rule for in-cluster
 * hosts when some are allowed. Immutable.
 */
record Egress(List<Manifest> rules) {
    /** Private, shared, link-local and loopback ranges the workers' address policy refuses. */
    static final Set<String> NON_PUBLIC = Set.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
            "169.254.0.0/16", "127.0.0.0/8");

    static Egress of(Manifest policy) {
        return new Egress(policy.list("spec", "egress"));
    }

    void check(SoftAssertions softly, String overlay, WorkerConfig worker, Map<String, String> env) {
        for (String server : worker.kafka().bootstrapServers().split(",")) {
            String port = server.trim().replaceAll(".*:", "");
            softly.assertThat(ports(rules)).as("%s: egress to Kafka's port %s (%s)", overlay, port, server).contains(port);
        }
        List<Manifest> publicRules = rules.stream().filter(r -> r.list("to").stream()
                .anyMatch(t -> t.string("ipBlock", "cidr").orElse("").equals("0.0.0.0/0"))).toList();
        softly.assertThat(ports(publicRules)).as("%s: egress to public http and https image hosts", overlay)
                .contains("80", "443");
        if (!worker.http().allowPrivate()) {
            for (Manifest r : publicRules) {
                softly.assertThat(r.list("to").stream().flatMap(t -> t.list("ipBlock", "except").stream())
                        .map(e -> String.valueOf(e.root()))).as("%s: the public egress rule leaves out the addresses "
                        + "IMAGEFLEET_HTTP_ALLOW_PRIVATE=false refuses", overlay).containsAll(NON_PUBLIC);
            }
        }
        String endpoint = env.getOrDefault("IMAGEFLEET_S3_ENDPOINT", "").trim();
        if (!endpoint.isEmpty()) {
            URI uri = URI.create(endpoint);
            int port = uri.getPort() > 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
            softly.assertThat(ports(rules)).as("%s: egress to the S3 endpoint %s", overlay, endpoint)
                    .contains(Integer.toString(port));
        }
        if (!worker.http().allowHosts().isEmpty() || worker.http().allowPrivate() || !endpoint.isEmpty()) {
            softly.assertThat(rules).as("%s: a rule to in-cluster destinations (S3 endpoint, IMAGEFLEET_HTTP_ALLOW_HOSTS)",
                    overlay).anySatisfy(r -> assertThat(r.list("to")).anySatisfy(t -> assertThat(
                    t.at("namespaceSelector").isPresent() && !t.string("podSelector", "matchLabels", "k8s-app").isPresent())
                    .isTrue()));
        }
    }

    private static List<String> ports(List<Manifest> rules) {
        return rules.stream().flatMap(r -> r.list("ports").stream()).map(p -> p.string("port").orElse("")).toList();
    }
}
