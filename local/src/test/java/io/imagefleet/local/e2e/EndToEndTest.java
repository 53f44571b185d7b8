package io.imagefleet.local.e2e;

import io.imagefleet.config.Topics;
import io.imagefleet.local.DeadLetters;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.local.demo.WorkerProcesses;
import io.imagefleet.producer.JobPublisher;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultAwaiter;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Jobs through a real broker and real worker JVMs, from publish to decoded output files. */
class EndToEndTest {
    @TempDir
    Path dir;

    @Test
    void jobs_throughTwoWorkerJvms_allSucceedAndMalformedRecordIsDeadLettered() throws Exception {
        Topics topics = SharedKafka.freshTopics("e2e", 3);
        Path in = dir.resolve("in");
        Path out = Files.createDirectories(dir.resolve("out"));
        List<Path> images = SampleImages.generate(in, 8, 0.3, 0.8, 7);
        String target = out.toUri().toString();
        Map<String, String> env = SharedKafka.workerEnv(topics, in, out);

        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            jobs.add(Job.of("img-" + i, images.get(i).toUri().toString(), List.of(
                    OutputSpec.of("thumb", List.of(Op.Resize.inside(128, 128)), Format.JPEG, 80, target),
                    OutputSpec.of("small", List.of(Op.Resize.inside(64, 64)), Format.PNG, null, target))));
        }
        byte[] malformed = "{\"v\":1,\"id\":".getBytes(StandardCharsets.UTF_8);

        try (ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning());
             WorkerProcesses workers = WorkerProcesses.start(2, env, List.of("-Xmx192m"), dir)) {
            // Everything on partition 0, the malformed record in the middle: the jobs behind it must flow.
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(rawProducer())) {
                JobCodec codec = new JobCodec();
                for (int i = 0; i < jobs.size(); i++) {
                    if (i == jobs.size() / 2) {
                        ProducerRecord<byte[], byte[]> bad = new ProducerRecord<>(topics.jobs(), 0, "bad".getBytes(StandardCharsets.UTF_8), malformed);
                        bad.headers().add("origin", "test".getBytes(StandardCharsets.UTF_8));
                        raw.send(bad).get();
                    }
                    ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(topics.jobs(), 0,
                            jobs.get(i).id().getBytes(StandardCharsets.UTF_8), codec.encode(jobs.get(i)));
                    rec.headers().add(Headers.CORRELATION_ID, ("c-" + i).getBytes(StandardCharsets.UTF_8));
                    raw.send(rec).get();
                }
            }

            ResultAwaiter awaiter = new ResultAwaiter(reader);
            Map<String, ReceivedResult> results = awaiter.await(jobs.stream().map(Job::id).toList(),
                    Duration.ofMinutes(3), r -> { });

            assertThat(results).hasSize(jobs.size());
            for (int i = 0; i < jobs.size(); i++) {
                ReceivedResult r = results.get("img-" + i);
                assertThat(r.result().succeeded()).as("job %s: %s", i, r.result().error()).isTrue();
                assertThat(r.correlationId()).isEqualTo("c-" + i);
                BufferedImage src = ImageIO.read(images.get(i).toFile());
                double scale = Math.min(128.0 / src.getWidth(), 128.0 / src.getHeight());
                BufferedImage thumb = ImageIO.read(Path.of(URI.create(r.result().outputs().get(0).uri())).toFile());
                assertThat(Math.max(thumb.getWidth(), thumb.getHeight())).isEqualTo(128);
                assertThat(thumb.getWidth()).isEqualTo((int) Math.round(src.getWidth() * scale));
                BufferedImage small = ImageIO.read(Path.of(URI.create(r.result().outputs().get(1).uri())).toFile());
                assertThat(Math.max(small.getWidth(), small.getHeight())).isEqualTo(64);
            }

            List<ConsumerRecord<byte[], byte[]>> dead = DeadLetters.read(topics.dlq(), 1);
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.value()).isEqualTo(malformed);
                assertThat(DeadLetters.header(d, Headers.ERROR_CODE)).isEqualTo(ErrorCode.INVALID_JOB.name());
                assertThat(d.headers().lastHeader("origin")).isNotNull();
                assertThat(DeadLetters.header(d, Headers.ORIGINAL_OFFSET)).isEqualTo(Integer.toString(jobs.size() / 2));
            });

            assertThat(workers.stop(60)).as("worker exit codes after SIGTERM").containsOnly(0);
        }
    }

    private static Properties rawProducer() {
        Properties p = SharedKafka.kafka().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

}
