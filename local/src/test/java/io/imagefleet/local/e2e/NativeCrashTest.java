package io.imagefleet.local.e2e;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.local.demo.WorkerProcesses;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.worker.WorkerMain;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A crash in native code (libjpeg-turbo's path, crashed on purpose with the test-only flag) takes
 * down the one worker JVM it happens in: its sibling keeps working, the job it was doing is not
 * lost (its offset was never committed) and is answered once by the sibling.
 */
class NativeCrashTest {
    @TempDir
    Path dir;

    @Test
    void nativeCrash_killsOneWorkerJvm_siblingAnswersBothJobs() throws Exception {
        Assumptions.assumeTrue(turboJpegInstalled(), "libturbojpeg is not installed (apt-get install libturbojpeg0)");
        Topics topics = SharedKafka.freshTopics("crash", 2);
        Path in = dir.resolve("in");
        Path out = Files.createDirectories(dir.resolve("out"));
        List<Path> images = SampleImages.generate(in, 2, 0.3, 0.5, 11);
        Map<String, String> env = SharedKafka.workerEnv(topics, in, out);
        // A dead member is noticed in seconds, not the default 45.
        env.put("IMAGEFLEET_KAFKA_SESSION_TIMEOUT_MS", "6000");
        env.put("IMAGEFLEET_KAFKA_HEARTBEAT_INTERVAL_MS", "1000");
        Path crashLogs = Files.createDirectories(dir.resolve("crash"));
        Path siblingLogs = Files.createDirectories(dir.resolve("sibling"));

        Map<String, String> crashingEnv = new HashMap<>(env);
        crashingEnv.put("HOSTNAME", "crashing");
        Map<String, String> siblingEnv = new HashMap<>(env);
        siblingEnv.put("HOSTNAME", "sibling");

        try (ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning());
             WorkerProcesses crashing = WorkerProcesses.start(1, crashingEnv, List.of("-Xmx128m",
                     "-D" + WorkerMain.TEST_NATIVE_CRASH + "=true", "-XX:ErrorFile=" + crashLogs.resolve("hs_err_%p.log"),
                     "-XX:-CreateCoredumpOnCrash"), crashLogs);
             WorkerProcesses sibling = WorkerProcesses.start(1, siblingEnv, List.of("-Xmx128m"), siblingLogs)) {
            Process crashingJvm = crashing.processes().get(0);
            Process siblingJvm = sibling.processes().get(0);
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(assigned(crashLogs) && assigned(siblingLogs))
                    .as("both workers have partitions; logs:%n%s%n%s", log(crashLogs), log(siblingLogs)).isTrue());

            // One JPEG job on each partition: each worker gets one.
            String target = out.toUri().toString();
            JobCodec codec = new JobCodec();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
                for (int p = 0; p < 2; p++) {
                    Job job = Job.of("job-" + p, images.get(p).toUri().toString(),
                            List.of(OutputSpec.of("t", List.of(Op.Resize.inside(64, 64)), Format.JPEG, 80, target)));
                    producer.send(new ProducerRecord<>(topics.jobs(), p, job.id().getBytes(StandardCharsets.UTF_8),
                            codec.encode(job))).get();
                }
            }

            await().atMost(Duration.ofMinutes(2)).until(() -> !crashingJvm.isAlive());
            Map<String, ReceivedResult> results = new ResultAwaiter(reader).await(List.of("job-0", "job-1"),
                    Duration.ofMinutes(2), r -> { });

            assertThat(crashingJvm.exitValue()).as("the crashed JVM's exit code").isNotZero();
            try (Stream<Path> logs = Files.list(crashLogs)) {
                Path hsErr = logs.filter(p -> p.getFileName().toString().startsWith("hs_err_")).findFirst().orElseThrow();
                assertThat(Files.readString(hsErr)).contains("SIGSEGV").contains("Problematic frame:\n# C  [libc.so");
            }
            assertThat(siblingJvm.isAlive()).isTrue();
            assertThat(results.values()).allSatisfy(r -> {
                assertThat(r.result().succeeded()).as("%s", r.result().error()).isTrue();
                assertThat(r.result().worker().id()).isEqualTo("sibling/slot-0");
            });
            // Each job answered once: the crashed JVM published nothing.
            assertThat(results).containsOnlyKeys("job-0", "job-1");
            assertThat(sibling.stop(60)).containsOnly(0);
        }
    }

    private static String log(Path logDir) throws Exception {
        Path log = logDir.resolve("worker-0.log");
        return Files.exists(log) ? Files.readString(log) : "(no log yet)";
    }

    private static boolean assigned(Path logDir) throws Exception {
        Path log = logDir.resolve("worker-0.log");
        return Files.exists(log) && Files.readString(log).matches("(?s).*partitions assigned: \\[[^\\]]+\\].*");
    }

    private static boolean turboJpegInstalled() {
        try {
            SymbolLookup.libraryLookup("libturbojpeg.so.0", Arena.global());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Properties producerProps() {
        Properties p = SharedKafka.kafka().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
