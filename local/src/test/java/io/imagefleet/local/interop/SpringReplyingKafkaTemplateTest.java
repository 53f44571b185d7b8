package io.imagefleet.local.interop;

import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.local.demo.SampleImages;
import io.imagefleet.local.demo.WorkerProcesses;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.OutputSpec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.ResultCodec;
import io.imagefleet.wire.Status;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.requestreply.RequestReplyFuture;
import org.springframework.kafka.support.KafkaHeaders;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stock spring-kafka {@link ReplyingKafkaTemplate}, as a Spring service would use it, gets the
 * fleet's result for its request: the worker answers on the {@code kafka_replyTopic} header and
 * echoes {@code kafka_correlationId}, which is how the template matches the reply to its future.
 */
class SpringReplyingKafkaTemplateTest {
    @TempDir
    Path dir;

    @Test
    void sendAndReceive_jobWithoutReplyTo_templateGetsTheFleetsResult() throws Exception {
        Topics topics = SharedKafka.freshTopics("spring", 1);
        String replies = topics.jobs() + ".spring-replies";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(replies, 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path image = SampleImages.generate(in, 1, 0.3, 0.5, 5).get(0);
        Map<String, String> env = SharedKafka.workerEnv(topics, in, out);
        env.put("IMAGEFLEET_REPLY_TOPICS", topics.results() + "," + replies);

        // Plain Spring Kafka: a producer factory, a reply container on the reply topic, the template.
        DefaultKafkaProducerFactory<String, byte[]> producers = new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        DefaultKafkaConsumerFactory<String, byte[]> consumers = new DefaultKafkaConsumerFactory<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "spring-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        KafkaMessageListenerContainer<String, byte[]> container =
                new KafkaMessageListenerContainer<>(consumers, new ContainerProperties(replies));
        ReplyingKafkaTemplate<String, byte[], byte[]> template = new ReplyingKafkaTemplate<>(producers, container);
        template.setDefaultReplyTimeout(Duration.ofSeconds(150));

        Job job = Job.builder("spring-1", image.toUri().toString())
                .output(OutputSpec.builder("thumb").resize(96, 96).format(Format.JPEG).target(out.toUri().toString()).build())
                .build();
        try (WorkerProcesses fleet = WorkerProcesses.start(1, env, List.of("-Xmx192m"), dir)) {
            template.start();
            assertThat(template.waitForAssignment(Duration.ofSeconds(60))).isTrue();

            // No replyTo in the job, no imagefleet header: the template adds kafka_replyTopic and kafka_correlationId.
            ProducerRecord<String, byte[]> request = new ProducerRecord<>(topics.jobs(), job.id(), new JobCodec().encode(job));
            RequestReplyFuture<String, byte[], byte[]> future = template.sendAndReceive(request);
            ConsumerRecord<String, byte[]> reply = future.get(160, TimeUnit.SECONDS);

            Result result = new ResultCodec().decode(reply.value());
            assertThat(reply.topic()).isEqualTo(replies);
            assertThat(result.jobId()).isEqualTo("spring-1");
            assertThat(result.status()).as("%s", result.error()).isEqualTo(Status.SUCCEEDED);
            assertThat(out).isDirectoryContaining(f -> f.getFileName().toString().equals("spring-1-thumb.jpg"));
            Header sent = request.headers().lastHeader(KafkaHeaders.CORRELATION_ID);
            Header echoed = reply.headers().lastHeader(KafkaHeaders.CORRELATION_ID);
            assertThat(new String(request.headers().lastHeader(KafkaHeaders.REPLY_TOPIC).value(), StandardCharsets.UTF_8))
                    .isEqualTo(replies);
            assertThat(echoed).as("kafka_correlationId echoed on the result").isNotNull();
            assertThat(echoed.value()).isEqualTo(sent.value());
        } finally {
            template.stop();
            producers.destroy();
        }
    }
}
