package io.imagefleet.local.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.local.status.StatusCommand;
import io.imagefleet.producer.JobPublisher;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.metrics.PrometheusSamples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One pod ({@code imagefleet worker --processes 2}, JSON logs) through an end-to-end run, then
 * looked at the way an operator would: {@code /metrics} parsed and checked against the results
 * seen, {@code imagefleet status}, the logs, and {@code /health/live} while a worker JVM is
 * frozen with SIGSTOP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperabilityTest {
    private static final int GOOD = 12;

    private Topics topics;
    private Map<String, String> env;
    private PodProcess pod;
    private Map<String, ReceivedResult> results;

    @BeforeAll
    void runJobsThroughAPod(@TempDir Path dir) throws Exception {
        topics = SharedKafka.freshTopics("ops", 3);
        Path in = dir.resolve("in");
        Path out = Files.createDirectories(dir.resolve("out"));
        List<Path> images = SampleImages.generate(in, 4, 0.2, 0.4, 11);
        env = PodProcess.env(topics, in, out);
        env.put("IMAGEFLEET_LOG_FORMAT", "json");
        env.put("IMAGEFLEET_METRICS_INTERVAL", "500ms");
        env.put("IMAGEFLEET_LIVENESS_TIMEOUT", "3s");
        pod = PodProcess.start(dir, 2, env);

        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            jobs.add(job(String.format("ops-%02d", i), images.get(i % images.size()).toUri().toString(), out));
        }
        jobs.add(job("ops-missing", in.resolve("no-such.jpg").toUri().toString(), out));
        jobs.add(job("ops-forbidden", "file:///etc/hostname", out));
        try (ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning());
             JobPublisher publisher = new JobPublisher(SharedKafka.kafka(), topics.jobs())) {
            for (Job j : jobs) {
                publisher.publish(j);
            }
            publisher.flush();
            sendRaw(topics.jobs(), "{\"v\":1,\"id\":");
            results = new ResultAwaiter(reader).await(jobs.stream().map(Job::id).toList(), Duration.ofMinutes(3), r -> { });
        }
        assertThat(results).as(pod::logText).hasSize(jobs.size());
    }

    @AfterAll
    void stopThePod() throws InterruptedException {
        if (pod != null) {
            assertThat(pod.stop()).as("exit code after SIGTERM").isZero();
        }
    }

    @Test
    @Order(1)
    void metrics_afterAnEndToEndRun_countersMatchTheResultsSeen() {
        Map<String, Long> answeredPerSlot = results.values().stream().collect(Collectors.groupingBy(
                r -> r.result().worker().id().replaceAll(".*/slot-", ""), TreeMap::new, Collectors.counting()));
        // Worker JVMs send their meters every 500 ms: wait for the last ones.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusSamples m = pod.scrape();
            assertThat(m.sum("imagefleet_jobs_total", Map.of("outcome", "succeeded"))).isEqualTo(GOOD);
            assertThat(m.sum("imagefleet_jobs_total", Map.of("code", ErrorCode.SOURCE_NOT_FOUND.name()))).isEqualTo(1);
            assertThat(m.sum("imagefleet_jobs_total", Map.of("code", ErrorCode.SOURCE_FORBIDDEN.name()))).isEqualTo(1);
            assertThat(m.sum("imagefleet_dead_letters_total", Map.of("code", ErrorCode.INVALID_JOB.name()))).isEqualTo(1);
            answeredPerSlot.forEach((slot, n) ->
                    assertThat(m.sum("imagefleet_jobs_total", Map.of("slot", slot))).as("slot %s", slot).isEqualTo(n.doubleValue()));
        });
        PrometheusSamples m = pod.scrape();
        long timed = results.values().stream().filter(r -> r.result().timings() != null).count();
        assertThat(m.sum("imagefleet_stage_duration_seconds_count", Map.of("stage", "fetch"))).isEqualTo((double) timed);
        assertThat(m.sum("imagefleet_stage_duration_seconds_count", Map.of("stage", "decode"))).isEqualTo((double) timed);
        assertThat(m.sum("imagefleet_stage_duration_seconds_bucket", Map.of("stage", "decode", "le", "+Inf"))).isEqualTo((double) timed);
        assertThat(m.sum("imagefleet_job_duration_seconds_count", Map.of("outcome", "succeeded"))).isEqualTo(GOOD);
        assertThat(m.sum("imagefleet_output_bytes_sum", Map.of("format", "jpeg"))).isEqualTo(results.values().stream()
                .flatMap(r -> r.result().outputs().stream()).mapToLong(o -> o.bytes()).sum());
        assertThat(m.sum("imagefleet_crashes_total", Map.of())).isZero();
        assertThat(m.sum("imagefleet_slot_up", Map.of())).isEqualTo(2);
        assertThat(m.find("imagefleet_native_codec", Map.of("library", "libturbojpeg"))).hasSize(2);
        assertThat(m.find("imagefleet_native_codec", Map.of("library", "libwebpmux"))).hasSize(2);
        assertThat(m.find("jvm_memory_used_bytes", Map.of()).stream().map(s -> s.label("slot")).distinct())
                .containsExactlyInAnyOrder("supervisor", "0", "1");
        assertThat(m.find("imagefleet_jobs_total", Map.of()))
                .allSatisfy(s -> assertThat(s.labels().keySet()).containsExactlyInAnyOrder("slot", "outcome", "code"));
        // The consumers' lag per partition (the Kafka client binder looks for new partitions every 10 s).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pod.scrape()
                .find("kafka_consumer_fetch_manager_records_lag", Map.of("topic", topics.jobs())).stream()
                .map(s -> s.label("partition")).distinct()).containsExactlyInAnyOrder("0", "1", "2"));
    }

    @Test
    @Order(2)
    void status_withTheMetricsUrl_showsMembersLagAndEachSlot() {
        StringWriter text = new StringWriter();
        int code = new CommandLine(new StatusCommand()).setOut(new PrintWriter(text)).execute(
                "--bootstrap-servers", SharedKafka.bootstrapServers(), "--jobs-topic", topics.jobs(),
                "--group", env.get("IMAGEFLEET_GROUP_ID"), "--metrics-url", pod.url("/metrics"), "--interval", "500ms");

        String out = text.toString();
        assertThat(code).as(out).isZero();
        assertThat(out).contains("group " + env.get("IMAGEFLEET_GROUP_ID") + ": stable, 2 member(s)", "test-slot-0",
                "test-slot-1", "lag of " + topics.jobs() + ": 0 record(s) in all", "pod " + pod.url("/metrics"));
        List<String> lines = out.lines().toList();
        for (String slot : List.of("0", "1")) {
            long answered = results.values().stream().filter(r -> r.result().worker().id().endsWith("/slot-" + slot)).count();
            assertThat(lines).as(out).anySatisfy(l -> assertThat(l.trim().split("\\s+"))
                    .startsWith(slot, "yes", "0.0", Long.toString(answered)));
        }
    }

    @Test
    @Order(3)
    void logs_json_everyLineIsJsonAndAJobsStoryHasItsIdRecordAndSlot() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(pod.log)) {
            if (!l.isBlank()) {
                lines.add(json.readTree(l));
            }
        }
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.has("message")).isTrue());
        assertThat(lines).anySatisfy(l -> assertThat(l.path("message").asText())
                .startsWith("supervisor (pid").contains("its worker JVMs with {kafka="));

        String slot = "slot-" + results.get("ops-03").result().worker().id().replaceAll(".*/slot-", "");
        List<JsonNode> story = lines.stream().filter(l -> l.toString().contains("ops-03")).toList();
        assertThat(story).anySatisfy(l -> {
            assertThat(l.path("message").asText()).contains("succeeded");
            assertThat(l.path("jobId").asText()).isEqualTo("ops-03");
            assertThat(l.path("record").asText()).matches(java.util.regex.Pattern.quote(topics.jobs()) + "-\\d@\\d+");
            assertThat(l.path("slot").asText()).isEqualTo(slot);
            assertThat(l.path("stage").asText()).isEqualTo("answer");
        });
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("jobId").asText()).isEqualTo("ops-missing");
            assertThat(l.path("stage").asText()).isEqualTo("fetch");
        });
    }

    @Test
    @Order(4)
    void health_workerJvmFrozenWithSigstop_notLiveUntilSigcont() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> pod.get("/health/live").statusCode() == 200);
        assertThat(pod.get("/health/ready").statusCode()).isEqualTo(200);
        long pid = JsonMapper.builder().build().readTree(pod.get("/health/live").body()).path("details").get(0)
                .path("pid").asLong();

        long stopped = System.nanoTime();
        signal("STOP", pid);
        long downMs;
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> pod.get("/health/live").statusCode() == 503);
            downMs = (System.nanoTime() - stopped) / 1_000_000;
            HttpResponse<String> down = pod.get("/health/live");
            assertThat(down.body()).contains("slot-0 (pid " + pid + "): its poll loop has not turned for");
        } finally {
            signal("CONT", pid);
        }
        long resumed = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> pod.get("/health/live").statusCode() == 200);
        System.out.printf("liveness: 503 %d ms after SIGSTOP (timeout 3 s), 200 again %d ms after SIGCONT%n", downMs,
                (System.nanoTime() - resumed) / 1_000_000);
    }

    /** A record that is not a job: dead-lettered, and answered by no result since it has no id. */
    private static void sendRaw(String topic, String value) throws Exception {
        Properties p = SharedKafka.kafka().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(p)) {
            raw.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", name, pid).isZero();
    }

    private static Job job(String id, String source, Path out) {
        return Job.of(id, source, List.of(OutputSpec.of("thumb", List.of(Op.Resize.inside(64, 64)), Format.JPEG, 80,
                out.toUri().toString())));
    }
}
