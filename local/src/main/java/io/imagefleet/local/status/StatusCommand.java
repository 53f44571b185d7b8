package io.imagefleet.local.status;

import io.imagefleet.config.ByteSize;
import io.imagefleet.config.Durations;
import io.imagefleet.config.Env;
import io.imagefleet.producer.cli.KafkaOptions;
import io.imagefleet.worker.config.WorkerConfig;
import io.imagefleet.worker.metrics.PrometheusSamples;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * {@code imagefleet status}: what the fleet is doing, for a person on call. The worker group's
 * state, members and their partitions, and the lag of each partition of the jobs topic, from
 * the cluster (Admin client); with {@code --metrics-url} (one per pod), each slot's throughput,
 * jobs in flight, poll age, memory, recycles and crashes, from two scrapes of the pod's
 * {@code /metrics}.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the worker group: members, partitions, lag per partition; with --metrics-url, per-slot "
                + "throughput, recycles and crashes of each pod."})
public final class StatusCommand implements Callable<Integer> {
    private static final long TIMEOUT_MS = 15_000;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--group", description = "The workers' consumer group (IMAGEFLEET_GROUP_ID, default imagefleet-workers).")
    String group;

    @Option(names = "--metrics-url", paramLabel = "URL",
            description = "A pod's metrics endpoint, such as http://10.0.0.7:9400/metrics (repeatable).")
    List<String> metricsUrls = List.of();

    @Option(names = "--interval", description = "Time between the two scrapes that throughput is measured over (default 2s).")
    String interval = "2s";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        String groupId = group != null ? group
                : new Env(kafka.environment()).string("IMAGEFLEET_GROUP_ID", WorkerConfig.DEFAULT_GROUP);
        String topic = kafka.topics().jobs();
        int code = 0;
        Properties props = kafka.kafka().clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        try (Admin admin = Admin.create(props)) {
            print(out, GroupStatus.read(admin, groupId, topic, TIMEOUT_MS), topic);
        } catch (ExecutionException e) {
            String why = e.getCause() instanceof GroupIdNotFoundException ? "no such group" : String.valueOf(e.getCause());
            out.println("group " + groupId + ": cannot describe it: " + why);
            code = 1;
        } catch (TimeoutException e) {
            out.println("group " + groupId + ": no answer from " + kafka.kafka().bootstrapServers() + " within "
                    + TIMEOUT_MS / 1000 + " s");
            code = 1;
        }
        Duration gap = Durations.parse(interval);
        for (String url : metricsUrls) {
            try {
                PrometheusSamples first = scrape(url);
                Thread.sleep(gap.toMillis());
                print(out, PodFigures.of(url, first, scrape(url), gap));
            } catch (IOException | IllegalArgumentException e) {
                out.println();
                out.println("pod " + url + ": cannot read its metrics: " + e.getMessage());
                code = 1;
            }
        }
        out.flush();
        return code;
    }

    private static void print(PrintWriter out, GroupStatus g, String topic) {
        out.printf(Locale.ROOT, "group %s: %s, %d member(s), %s protocol%s%n", g.group(), g.state().toLowerCase(Locale.ROOT),
                g.members().size(), g.type().toLowerCase(Locale.ROOT),
                g.assignor() == null || g.assignor().isEmpty() ? "" : " (" + g.assignor() + ")");
        if (!g.members().isEmpty()) {
            out.println();
            Table t = new Table("member (instance id)", "client id", "host", "partitions");
            for (GroupStatus.Member m : g.members()) {
                t.row(m.instanceId(), m.clientId(), m.host(), m.partitions().isEmpty() ? "(none)"
                        : String.join(", ", m.partitions()));
            }
            t.print(out, "  ");
        }
        out.println();
        out.printf(Locale.ROOT, "lag of %s: %d record(s) in all%n", topic, g.totalLag());
        Table t = new Table("partition", "committed", "end", "lag", "held by");
        for (GroupStatus.PartitionLag p : g.partitions()) {
            t.row(p.partition(), p.committed() < 0 ? "-" : p.committed(), p.end(), p.lag(), p.owner().isEmpty() ? "-" : p.owner());
        }
        t.print(out, "  ");
    }

    private static void print(PrintWriter out, PodFigures pod) {
        out.println();
        out.printf(Locale.ROOT, "pod %s (throughput over %s)%n", pod.url(), Durations.format(pod.interval()));
        if (pod.slots().isEmpty()) {
            out.println("  no imagefleet worker meters there");
            return;
        }
        Table t = new Table("slot", "up", "jobs/s", "answered", "failed", "in flight", "partitions", "poll age", "RSS",
                "recycles", "crashes");
        for (PodFigures.Slot s : pod.slots()) {
            t.row(s.slot(), s.up() ? "yes" : "NO", String.format(Locale.ROOT, "%.1f", s.jobsPerSecond()), s.answered(),
                    s.failed(), s.inFlight(), s.partitions(), PodFigures.seconds(s.pollAgeSeconds()),
                    s.residentBytes() > 0 ? ByteSize.format(s.residentBytes()) : "-", PodFigures.counts(s.recycles()),
                    PodFigures.counts(s.crashes()));
        }
        t.print(out, "  ");
    }

    private static PrometheusSamples scrape(String url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode());
        }
        return PrometheusSamples.parse(r.body());
    }
}
