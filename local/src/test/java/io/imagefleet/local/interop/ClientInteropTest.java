package io.imagefleet.local.interop;

import io.imagefleet.client.ClientConfig;
import io.imagefleet.client.FleetClient;
import io.imagefleet.config.Topics;
import io.imagefleet.local.DeadLetters;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.local.demo.WorkerProcesses;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.sample.ThumbnailService;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.Status;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * imagefleet-client against the real fleet (the shared broker and one real worker JVM): in this
 * JVM on kafka-clients 4.x, and as a separate service whose class path is imagefleet-client's
 * dependency tree with kafka-clients 3.9 ({@link ThumbnailService}, module client-sample).
 */
class ClientInteropTest {
    @TempDir
    static Path dir;
    static Topics topics;
    static Path in;
    static Path out;
    static Path image;
    static WorkerProcesses fleet;

    @BeforeAll
    static void startFleet() throws IOException {
        topics = SharedKafka.freshTopics("client", 2);
        in = Files.createDirectories(dir.resolve("in"));
        out = Files.createDirectories(dir.resolve("out"));
        image = SampleImages.generate(in, 1, 0.3, 0.5, 11).get(0);
        fleet = WorkerProcesses.start(1, SharedKafka.workerEnv(topics, in, out), List.of("-Xmx192m"), dir);
    }

    @AfterAll
    static void stopFleet() throws InterruptedException {
        if (fleet != null) {
            fleet.close();
        }
    }

    private static ClientConfig config() {
        return ClientConfig.of(SharedKafka.bootstrapServers()).withJobsTopic(topics.jobs())
                .withReplyTopic(topics.results()).withTimeout(Duration.ofSeconds(120));
    }

    @Test
    void submit_jobsThroughTheFleet_eachFutureCompletesWithItsResult() throws Exception {
        try (FleetClient client = FleetClient.start(config())) {
            List<CompletableFuture<Result>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Job job = Job.builder("in-process-" + i, image.toUri().toString())
                        .output(OutputSpec.builder("thumb").resize(64 + i, 64 + i).format(Format.PNG)
                                .target(out.toUri().toString()).build())
                        .metadata(Map.of("n", i))
                        .build();
                futures.add(client.submit(job, Map.of("tenant", "acme")));
            }

            for (int i = 0; i < 3; i++) {
                Result r = futures.get(i).get(150, TimeUnit.SECONDS);
                assertThat(r.jobId()).isEqualTo("in-process-" + i);
                assertThat(r.status()).as("%s", r.error()).isEqualTo(Status.SUCCEEDED);
                assertThat(r.metadata()).containsEntry("n", i);
                BufferedImage thumb = ImageIO.read(Path.of(java.net.URI.create(r.outputs().get(0).uri())).toFile());
                assertThat(Math.max(thumb.getWidth(), thumb.getHeight())).isEqualTo(64 + i);
            }
            assertThat(client.waiting()).isZero();
            assertThat(AppInfoParser.getVersion()).startsWith("4.");
        }
    }

    @Test
    void submit_missingSource_completesWithTheFailedResult() throws Exception {
        try (FleetClient client = FleetClient.start(config())) {
            Job job = Job.builder("missing-1", in.resolve("nope.jpg").toUri().toString())
                    .output(OutputSpec.builder("t").resize(10, 10).format(Format.JPEG).target(out.toUri().toString()).build())
                    .build();

            Result r = client.submit(job).get(150, TimeUnit.SECONDS);

            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.error().code()).isEqualTo(ErrorCode.SOURCE_NOT_FOUND);
        }
    }

    @Test
    void submit_nobodyAnswers_failsWithTimeoutNamingTheJob() {
        Topics idle = SharedKafka.freshTopics("client-idle", 1);
        ClientConfig c = ClientConfig.of(SharedKafka.bootstrapServers()).withJobsTopic(idle.jobs())
                .withReplyTopic(idle.results()).withTimeout(Duration.ofSeconds(2));
        try (FleetClient client = FleetClient.start(c)) {
            Job job = Job.builder("unanswered", image.toUri().toString())
                    .output(OutputSpec.builder("t").format(Format.PNG).target(out.toUri().toString()).build())
                    .build();

            assertThatThrownBy(() -> client.submit(job).get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("unanswered").hasMessageContaining(idle.results());
        }
    }

    /**
     * What Confluent's JSON Schema serializer writes (magic byte 0, a 4-byte schema id, the JSON) is
     * read as the job; what an Avro serializer writes under the same frame is dead-lettered saying so.
     */
    @Test
    void registryFramedValues_jsonIsProcessed_avroIsDeadLetteredSayingWhy() throws Exception {
        Job job = Job.builder("framed-1", image.toUri().toString())
                .output(OutputSpec.builder("t").resize(32, 32).format(Format.PNG).target(out.toUri().toString()).build())
                .build();
        byte[] json = new JobCodec().encode(job);
        byte[] framed = ByteBuffer.allocate(5 + json.length).put((byte) 0).putInt(100042).put(json).array();
        byte[] avro = {0, 0, 1, -122, -94, 0x12, 'f', 'r', 'a', 'm', 'e', 'd', '-', '2'};
        Properties p = SharedKafka.kafka().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

        try (ResultReader results = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.End());
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(p)) {
            raw.send(new ProducerRecord<>(topics.jobs(), "framed-1".getBytes(StandardCharsets.UTF_8), framed)).get();
            raw.send(new ProducerRecord<>(topics.jobs(), "framed-2".getBytes(StandardCharsets.UTF_8), avro)).get();

            Map<String, ReceivedResult> got = new ResultAwaiter(results).await(List.of("framed-1"), Duration.ofSeconds(150), r -> { });
            assertThat(got).containsKey("framed-1");
            assertThat(got.get("framed-1").result().status()).as("%s", got.get("framed-1").result().error())
                    .isEqualTo(Status.SUCCEEDED);
        }
        List<ConsumerRecord<byte[], byte[]>> dead = DeadLetters.read(topics.dlq(), 1);
        assertThat(dead.get(0).value()).isEqualTo(avro);
        assertThat(DeadLetters.header(dead.get(0), Headers.ERROR_CODE)).isEqualTo("INVALID_JOB");
        assertThat(DeadLetters.header(dead.get(0), Headers.ERROR_MESSAGE))
                .contains("magic byte a schema-registry serializer (Confluent, Apicurio)").contains("Avro or Protobuf?");
    }

    @Test
    void sampleService_onKafkaClients39_getsItsResultFromTheFuture() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", sampleClasspath(), ThumbnailService.class.getName(),
                image.toUri().toString(), out.resolve("sample").toUri() + "/"));
        Files.createDirectories(out.resolve("sample"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sample-service.log").toFile());
        pb.environment().put("IMAGEFLEET_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers());
        pb.environment().put("IMAGEFLEET_JOBS_TOPIC", topics.jobs());
        pb.environment().put("IMAGEFLEET_RESULTS_TOPIC", topics.results());
        pb.environment().put("IMAGEFLEET_CLIENT_TIMEOUT", "150s");
        Process p = pb.start();

        boolean exited = p.waitFor(180, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("sample-service.log"), StandardCharsets.UTF_8);

        assertThat(exited).as(log).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("kafka-clients 3.9.1").contains("\"status\":\"succeeded\"");
        assertThat(out.resolve("sample")).isDirectoryContaining(f -> f.getFileName().toString().endsWith("-thumb.jpg"));
    }

    /** The sample module's classes and its runtime class path as its build wrote it (kafka-clients 3.9). */
    private static String sampleClasspath() throws Exception {
        Path classes = Path.of(ThumbnailService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream cp = ThumbnailService.class.getResourceAsStream("/imagefleet-sample/runtime-classpath.txt")) {
            assertThat(cp).as("client-sample's build writes its class path").isNotNull();
            String entries = new String(cp.readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(entries).contains("kafka-clients-3.9.1.jar").doesNotContain("kafka-clients-4");
            return classes + File.pathSeparator + entries;
        }
    }
}
