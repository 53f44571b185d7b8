package io.imagefleet.local.fleet;

import io.imagefleet.config.Topics;
import io.imagefleet.local.DeadLetters;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Headers;
import io.imagefleet.worker.supervise.SlotStatus;
import io.imagefleet.worker.supervise.SupervisorListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A seeded fuzz run against the real broker and a real worker JVM: well-formed jobs with random
 * operations, hostile ones (huge upscales, maximum coordinates, sigma 100 on a large image with a
 * short job timeout, outputs too large together), malformed records (random bytes, cut JSON,
 * wrong types, deep nesting, empty values) and records within 100 bytes of the broker's size
 * limit. Each record must get exactly one outcome (a result for a job whose id can be read, a
 * dead letter for the rest), no result may be {@code INTERNAL}, the worker JVM must neither exit
 * nor recycle, and the group must commit the end of every partition. The seed is
 * {@code -Dimagefleet.fuzz.seed} (default below), printed so a failure can be replayed.
 */
class FuzzTest {
    private static final long SEED = Long.getLong("imagefleet.fuzz.seed", 20_261_206L);
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    /** One published record and what it must get. */
    private record Sent(String kind, String jobId, int partition, long offset, int bytes) {
    }

    @Test
    void fuzz_seededHostileAndMalformedRecords_oneOutcomeEachNoInternalNoExitAndCommittedToTheEnd() throws Exception {
        System.out.println("fuzz seed " + SEED + " (replay with -Dimagefleet.fuzz.seed=" + SEED + ")");
        SplittableRandom random = new SplittableRandom(SEED);
        Topics topics = SharedKafka.freshTopics("fuzz", PARTITIONS);
        Path in = Files.createDirectories(dir.resolve("in"));
        String small = write(in.resolve("small.jpg"), 320, 240);
        String large = write(in.resolve("large.jpg"), 3000, 2000);
        String target = Files.createDirectories(dir.resolve("out")).toUri().toString();
        TestFleet.Spec spec = TestFleet.Spec.of(1, 2).withHeap(256L << 20, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"))
                .withEnv(Map.of("IMAGEFLEET_JOB_TIMEOUT", "3s"));
        long start = System.nanoTime();
        TestFleet fleet = TestFleet.start(dir, topics, spec, SupervisorListener.NONE);
        try (fleet) {
            fleet.awaitEverySlotAssigned();
            System.out.printf("fuzz: worker consuming after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            long pid = fleet.supervisor.slots().get(0).pid();

            int limit = maxMessageBytes(topics.jobs());
            List<Sent> sent = publish(topics.jobs(), records(random, small, large, target), limit);
            int nearLimit = largestAccepted(sent);
            System.out.printf("fuzz: %d records published; the broker's limit is %d bytes, the largest record sent %d%n",
                    sent.size(), limit, nearLimit);
            assertThat(limit - nearLimit).as("records within 100 bytes of the broker's limit are included").isLessThanOrEqualTo(100);

            Map<String, Sent> byId = sent.stream().filter(s -> s.jobId() != null)
                    .collect(Collectors.toMap(Sent::jobId, s -> s));
            List<Sent> idless = sent.stream().filter(s -> s.jobId() == null).toList();
            Map<String, List<ReceivedResult>> results = new HashMap<>();
            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            try (ResultReader reader = new ResultReader(SharedKafka.kafka(), topics.results(), new ResultReader.Start.Beginning())) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    reader.poll(Duration.ofMillis(200)).forEach(r -> results.computeIfAbsent(r.result().jobId(),
                            k -> new ArrayList<>()).add(r));
                    return results.keySet().containsAll(byId.keySet());
                });
            }
            System.out.printf("fuzz: every readable job answered after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            dead.addAll(DeadLetters.read(topics.dlq(), idless.size()));

            // One outcome per record.
            assertThat(results.keySet()).as("a result for every record whose job id can be read").containsAll(byId.keySet());
            assertThat(FleetJobs.duplicates(results)).as("results per job id").isEmpty();
            Map<String, Long> letters = dead.stream().collect(Collectors.groupingBy(
                    r -> DeadLetters.header(r, Headers.ORIGINAL_PARTITION) + "@" + DeadLetters.header(r, Headers.ORIGINAL_OFFSET),
                    Collectors.counting()));
            assertThat(idless).as("one dead letter for every record without a readable job").allSatisfy(s ->
                    assertThat(letters.get(s.partition() + "@" + s.offset())).as("%s at %d@%d (%d bytes)", s.kind(),
                            s.partition(), s.offset(), s.bytes()).isEqualTo(1L));

            // Precise codes: never INTERNAL, and the hostile ops answered as they should be.
            List<ReceivedResult> all = results.values().stream().flatMap(List::stream).toList();
            assertThat(all).as("no INTERNAL").noneSatisfy(r -> assertThat(r.result().error()).isNotNull()
                    .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL)));
            for (Sent s : sent) {
                if (s.kind().startsWith("too-large")) {
                    assertThat(results.get(s.jobId()).get(0).result().error().code()).as(s.kind())
                            .isEqualTo(ErrorCode.IMAGE_TOO_LARGE);
                } else if (s.kind().equals("max-crop")) {
                    assertThat(results.get(s.jobId()).get(0).result().error().code()).as(s.kind())
                            .isEqualTo(ErrorCode.PROCESS_FAILED);
                } else if (s.kind().equals("sigma-100")) {
                    assertThat(results.get(s.jobId()).get(0).result().error().code()).as(s.kind()).isEqualTo(ErrorCode.TIMEOUT);
                }
            }
            Map<String, Long> outcomes = all.stream().collect(Collectors.groupingBy(r -> r.result().succeeded() ? "succeeded"
                    : r.result().error().code().name(), Collectors.counting()));
            System.out.printf("fuzz: outcomes %s, %d dead letters%n", outcomes, dead.size());

            // The worker JVM neither exited nor recycled, and committed the end of every partition.
            assertThat(fleet.crashes()).as(fleet::logTail).isEmpty();
            assertThat(fleet.recycles()).as(fleet::logTail).isEmpty();
            assertThat(fleet.supervisor.slots()).extracting(SlotStatus::pid).containsExactly(pid);
            awaitCommittedToTheEnd(fleet, topics.jobs());
            System.out.printf("fuzz: committed to the end after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** The records: kinds in a seeded order, each a value and, when it is a readable job, its id. */
    private static List<Map.Entry<String, byte[]>> records(SplittableRandom random, String small, String large, String target) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < 60; i++) {
            out.add(job("random", "r-" + n++, small, randomOutputs(random, target)));
        }
        String big = "{\"op\":\"resize\",\"width\":%d,\"height\":%d,\"fit\":\"inside\",\"upscale\":true}";
        out.add(job("too-large-65500", "h-" + n++, small, output("o", String.format(big, 65_500, 65_500), target)));
        out.add(job("too-large-20000", "h-" + n++, small, output("o", String.format(big, 20_000, 20_000), target)));
        out.add(job("too-large-sliver", "h-" + n++, small,
                output("o", "{\"op\":\"resize\",\"width\":65500,\"upscale\":true}", target)));
        StringBuilder many = new StringBuilder();
        for (int o = 0; o < 16; o++) {
            // Each 2500x1875 (4.7 MP) is allowed; the 16 together (75 MP) are not.
            many.append(o == 0 ? "" : ",").append(output("o" + o, String.format(big, 2500, 2500), target));
        }
        out.add(job("too-large-together", "h-" + n++, small, many.toString()));
        out.add(job("max-crop", "h-" + n++, small, output("o",
                "{\"op\":\"crop\",\"x\":2147483647,\"y\":2147483647,\"width\":10,\"height\":10}", target)));
        out.add(job("max-crop", "h-" + n++, small, output("o",
                "{\"op\":\"crop\",\"x\":0,\"y\":2147483647,\"width\":65500,\"height\":65500}", target)));
        for (int i = 0; i < 3; i++) {
            // 32 sigma-100 blurs and sharpens of 6 MP: far more than 3 s of work on any machine.
            out.add(job("sigma-100", "h-" + n++, large, output("o", String.join(",", java.util.Collections.nCopies(16,
                    "{\"op\":\"blur\",\"sigma\":100},{\"op\":\"sharpen\",\"sigma\":100}")), target)));
        }
        // Malformed: with a readable id they are answered INVALID_JOB (and dead-lettered); without, dead-lettered.
        out.add(raw("wrong-types", "{\"v\":1,\"id\":\"m-" + n++ + "\",\"source\":5,\"outputs\":\"none\"}", true));
        out.add(raw("unknown-op", "{\"v\":1,\"id\":\"m-" + n++ + "\",\"source\":\"" + small + "\",\"outputs\":[{\"name\":\"o\","
                + "\"ops\":[{\"op\":\"sepia\"}],\"format\":\"jpeg\",\"target\":\"" + target + "\"}]}", true));
        out.add(raw("internal-reply-topic", "{\"v\":1,\"id\":\"m-" + n++ + "\",\"source\":\"" + small + "\",\"replyTo\":"
                + "\"__consumer_offsets\",\"outputs\":[{\"name\":\"o\",\"format\":\"png\",\"target\":\"" + target + "\"}]}", true));
        out.add(raw("unknown-preset", "{\"v\":1,\"id\":\"m-" + n++ + "\",\"source\":\"" + small + "\",\"outputs\":"
                + "[{\"preset\":\"nope\",\"target\":\"" + target + "\"}]}", true));
        for (int i = 0; i < 12; i++) {
            byte[] bytes = new byte[random.nextInt(1, 300)];
            random.nextBytes(bytes);
            bytes[0] = '#'; // never a JSON object by accident
            out.add(Map.entry("random-bytes", bytes));
        }
        String whole = new String(job("cut", "cut", small, randomOutputs(random, target)).getValue(), StandardCharsets.UTF_8);
        for (int i = 0; i < 8; i++) {
            out.add(Map.entry("cut-json", whole.substring(0, random.nextInt(1, whole.length() - 1))
                    .getBytes(StandardCharsets.UTF_8)));
        }
        out.add(Map.entry("deep-nesting", ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8)));
        out.add(Map.entry("empty", new byte[0]));
        out.add(Map.entry("json-array", "[1,2,3]".getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    private static Map.Entry<String, byte[]> job(String kind, String id, String source, String outputs) {
        return Map.entry(kind + ":" + id, ("{\"v\":1,\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"outputs\":["
                + outputs + "]}").getBytes(StandardCharsets.UTF_8));
    }

    private static Map.Entry<String, byte[]> raw(String kind, String json, boolean hasId) {
        String id = hasId ? json.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1") : null;
        return Map.entry(kind + (id == null ? "" : ":" + id), json.getBytes(StandardCharsets.UTF_8));
    }

    private static String output(String name, String ops, String target) {
        return "{\"name\":\"" + name + "\",\"ops\":[" + ops + "],\"format\":\"jpeg\",\"quality\":70,\"target\":\"" + target + "\"}";
    }

    /** One to three outputs of up to four random operations, mostly sensible, some out of bounds. */
    private static String randomOutputs(SplittableRandom random, String target) {
        StringBuilder outputs = new StringBuilder();
        int count = random.nextInt(1, 4);
        for (int o = 0; o < count; o++) {
            StringBuilder ops = new StringBuilder();
            int n = random.nextInt(0, 5);
            for (int i = 0; i < n; i++) {
                ops.append(i == 0 ? "" : ",").append(switch (random.nextInt(8)) {
                    case 0 -> "{\"op\":\"resize\",\"width\":" + random.nextInt(1, 600) + ",\"height\":" + random.nextInt(1, 600)
                            + ",\"fit\":\"" + List.of("inside", "cover", "fill", "exact").get(random.nextInt(4)) + "\",\"upscale\":"
                            + random.nextBoolean() + "}";
                    case 1 -> "{\"op\":\"crop\",\"x\":" + random.nextInt(0, 400) + ",\"y\":" + random.nextInt(0, 300)
                            + ",\"width\":" + random.nextInt(1, 300) + ",\"height\":" + random.nextInt(1, 300) + "}";
                    case 2 -> "{\"op\":\"crop\",\"width\":" + random.nextInt(1, 500) + ",\"height\":" + random.nextInt(1, 500)
                            + ",\"gravity\":\"" + List.of("north", "southeast", "center").get(random.nextInt(3)) + "\"}";
                    case 3 -> "{\"op\":\"rotate\",\"degrees\":" + (90 * random.nextInt(1, 4)) + "}";
                    case 4 -> "{\"op\":\"flip\",\"direction\":\"" + (random.nextBoolean() ? "horizontal" : "vertical") + "\"}";
                    case 5 -> "{\"op\":\"grayscale\"}";
                    case 6 -> "{\"op\":\"blur\",\"sigma\":" + (0.3 + random.nextDouble() * 8) + "}";
                    default -> "{\"op\":\"sharpen\",\"sigma\":" + (0.3 + random.nextDouble() * 4) + "}";
                });
            }
            String format = List.of("jpeg", "png", "bmp", "gif").get(random.nextInt(4));
            outputs.append(o == 0 ? "" : ",").append("{\"name\":\"o").append(o).append("\",\"ops\":[").append(ops)
                    .append("],\"format\":\"").append(format).append("\",\"target\":\"").append(target).append("\"}");
        }
        return outputs.toString();
    }

    /**
     * Publishes the records in order, then the near-limit ones: a readable job padded with an
     * ignored field, and invalid JSON, each as large as the broker takes and 50 and 100 bytes less.
     */
    private static List<Sent> publish(String topic, List<Map.Entry<String, byte[]>> records, int limit) throws Exception {
        Properties p = SharedKafka.kafka().clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(limit + 4096));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (Map.Entry<String, byte[]> r : records) {
                String id = r.getKey().contains(":") ? r.getKey().substring(r.getKey().indexOf(':') + 1) : null;
                futures.add(producer.send(new ProducerRecord<>(topic, id == null ? null : id.getBytes(StandardCharsets.UTF_8),
                        r.getValue())));
            }
            for (int i = 0; i < records.size(); i++) {
                RecordMetadata md = futures.get(i).get(30, TimeUnit.SECONDS);
                String key = records.get(i).getKey();
                int colon = key.indexOf(':');
                sent.add(new Sent(colon < 0 ? key : key.substring(0, colon), colon < 0 ? null : key.substring(colon + 1),
                        md.partition(), md.offset(), records.get(i).getValue().length));
            }
            // The largest readable job the broker takes, found by trying from its limit down; then 50 and 100 bytes less.
            int size = limit;
            RecordMetadata first = null;
            while (first == null) {
                try {
                    first = producer.send(new ProducerRecord<>(topic, "near-0".getBytes(StandardCharsets.UTF_8),
                            padded("near-0", size))).get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof RecordTooLargeException) || size < limit - 400) {
                        throw e;
                    }
                    size -= 4;
                }
            }
            sent.add(new Sent("near-limit-job", "near-0", first.partition(), first.offset(), size));
            sent.add(send(producer, topic, "near-limit-garbage", null, garbage(size)));
            for (int less : new int[] {50, 100}) {
                String id = "near-" + less;
                sent.add(send(producer, topic, "near-limit-job", id, padded(id, size - less)));
                sent.add(send(producer, topic, "near-limit-garbage", null, garbage(size - less)));
            }
        }
        return sent;
    }

    private static Sent send(KafkaProducer<byte[], byte[]> producer, String topic, String kind, String id, byte[] value)
            throws Exception {
        RecordMetadata md = producer.send(new ProducerRecord<>(topic, id == null ? null : id.getBytes(StandardCharsets.UTF_8),
                value)).get(30, TimeUnit.SECONDS);
        return new Sent(kind, id, md.partition(), md.offset(), value.length);
    }

    private static byte[] padded(String id, int size) {
        String head = "{\"v\":1,\"id\":\"" + id + "\",\"source\":\"file:///nowhere/x.jpg\",\"outputs\":[{\"name\":\"o\","
                + "\"format\":\"png\",\"target\":\"file:///nowhere/\"}],\"pad\":\"";
        String tail = "\"}";
        return (head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] garbage(int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) 'x');
        b[0] = '{';
        return b;
    }

    private static int largestAccepted(List<Sent> sent) {
        return sent.stream().mapToInt(Sent::bytes).max().orElse(0);
    }

    private static int maxMessageBytes(String topic) throws Exception {
        try (Admin admin = Admin.create(SharedKafka.kafka().clientProperties())) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
            return Integer.parseInt(c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
        }
    }

    private static void awaitCommittedToTheEnd(TestFleet fleet, String topic) throws Exception {
        try (Admin admin = Admin.create(SharedKafka.kafka().clientProperties())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                        fleet.env.get("IMAGEFLEET_GROUP_ID")).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                    OffsetAndMetadata c = committed.get(e.getKey());
                    assertThat(c).as("committed position of %s", e.getKey()).isNotNull();
                    assertThat(c.offset()).as("committed position of %s (end %d)", e.getKey(), e.getValue().offset())
                            .isEqualTo(e.getValue().offset());
                }
            });
        }
    }

    /** A smooth JPEG of the size, cheap to make; returns its URI. */
    private static String write(Path file, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, new Color(30, 120, 200), w, h, new Color(240, 200, 40)));
            g.fillRect(0, 0, w, h);
        } finally {
            g.dispose();
        }
        ImageIO.write(img, "jpeg", file.toFile());
        return file.toUri().toString();
    }
}
