package io.imagefleet.producer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imagefleet.config.Durations;
import io.imagefleet.producer.DeadLetter;
import io.imagefleet.producer.DeadLetterReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code imagefleet dlq}: lists dead-lettered records (filtered by error code and failure time);
 * {@code imagefleet dlq replay} publishes them again to the jobs topic, original key, value and
 * headers, with {@code imagefleet-replayed-from} added.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true, subcommands = DlqCommand.Replay.class,
        description = {"List dead-lettered records: one line each (or --json), oldest first per partition.",
                "'dlq replay' publishes them to the jobs topic again."})
public final class DlqCommand implements Callable<Integer> {
    /** The header a replayed job carries: where in the dead-letter topic it came from. */
    public static final String REPLAYED_FROM = "imagefleet-replayed-from";

    @Mixin
    Filters filters;

    @Option(names = "--json", description = "Print JSON lines (the original value as text, the headers decoded).")
    boolean json;

    @Override
    public Integer call() {
        List<DeadLetter> found = filters.read();
        PrintStream out = System.out;
        ObjectMapper mapper = new ObjectMapper();
        for (DeadLetter d : found) {
            out.println(json ? json(mapper, d) : line(d));
        }
        System.err.println(found.size() + " dead letters in " + filters.kafka.topics().dlq() + filters.describe());
        return 0;
    }

    static String line(DeadLetter d) {
        return String.format(Locale.ROOT, "%d@%d  %s  %s  %s  key=%s  attempts=%d  %s", d.dlqPartition(), d.dlqOffset(),
                d.failedAt(), d.errorCode(), d.originalPosition(), d.key(), d.attempts(), d.errorMessage());
    }

    static String json(ObjectMapper mapper, DeadLetter d) {
        ObjectNode n = mapper.createObjectNode();
        n.put("dlqPartition", d.dlqPartition());
        n.put("dlqOffset", d.dlqOffset());
        n.put("failedAt", d.failedAt().toString());
        n.put("errorCode", d.errorCode());
        n.put("errorMessage", d.errorMessage());
        n.put("original", d.originalPosition());
        n.put("attempts", d.attempts());
        n.put("key", d.key());
        n.put("value", new String(d.value() == null ? new byte[0] : d.value(), StandardCharsets.UTF_8));
        ObjectNode headers = n.putObject("headers");
        d.originalHeaders().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        return n.toString();
    }

    /** The options shared by listing and replaying: the cluster, and which dead letters. */
    public static final class Filters {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--code", paramLabel = "CODE", description = "Only this error code (repeatable), e.g. SOURCE_UNAVAILABLE.")
        List<String> codes = List.of();

        @Option(names = "--since", paramLabel = "TIME", description = "Only those that failed at or after TIME: an ISO-8601 instant, or a duration ago (2h).")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "Only those that failed before TIME: an ISO-8601 instant, or a duration ago.")
        String until;

        @Option(names = "--timeout", description = "How long reading the dead-letter topic may take (default 60s).")
        String timeout = "60s";

        List<DeadLetter> read() {
            Instant now = Instant.now();
            return new DeadLetterReader(kafka.kafka(), kafka.topics().dlq()).read(
                    DeadLetterReader.filter(codes.stream().map(c -> c.toUpperCase(Locale.ROOT)).toList(),
                            time(since, now), time(until, now)),
                    Durations.parse(timeout));
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            if (!codes.isEmpty()) {
                parts.add("code " + String.join(" or ", codes));
            }
            if (since != null) {
                parts.add("since " + since);
            }
            if (until != null) {
                parts.add("until " + until);
            }
            return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
        }

        static Instant time(String text, Instant now) {
            if (text == null) {
                return null;
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                try {
                    return now.minus(Durations.parse(text));
                } catch (IllegalArgumentException notADuration) {
                    throw new IllegalArgumentException("'" + text + "' is neither an ISO-8601 instant "
                            + "(2026-01-31T12:00:00Z) nor a duration (30m, 2h)");
                }
            }
        }
    }

    /** {@code imagefleet dlq replay}: publishes the chosen dead letters to the jobs topic again. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Publish dead-lettered records to the jobs topic again: original key, value and headers.")
    static final class Replay implements Callable<Integer> {
        @Mixin
        Filters filters;

        @Option(names = "--dry-run", description = "Print what would be replayed, and publish nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws InterruptedException, ExecutionException, TimeoutException {
            List<DeadLetter> chosen = filters.read();
            String to = filters.kafka.topics().jobs();
            for (DeadLetter d : chosen) {
                System.out.println((dryRun ? "would replay " : "replaying ") + line(d));
            }
            if (dryRun) {
                System.err.println(chosen.size() + " dead letters would be published to " + to + filters.describe()
                        + "; nothing was published (--dry-run)");
                return 0;
            }
            Properties p = filters.kafka.kafka().clientProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            String dlq = filters.kafka.topics().dlq();
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
                for (DeadLetter d : chosen) {
                    RecordHeaders headers = new RecordHeaders(d.originalHeaders().toArray(new org.apache.kafka.common.header.Header[0]));
                    headers.remove(REPLAYED_FROM);
                    headers.add(REPLAYED_FROM, (dlq + "-" + d.dlqPartition() + "@" + d.dlqOffset()).getBytes(StandardCharsets.UTF_8));
                    sends.add(producer.send(new ProducerRecord<>(to, null,
                            d.key() == null ? null : d.key().getBytes(StandardCharsets.UTF_8), d.value(), headers)));
                }
                producer.flush();
                for (Future<RecordMetadata> f : sends) {
                    f.get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
                }
            }
            System.err.println("replayed " + chosen.size() + " dead letters to " + to + filters.describe());
            return 0;
        }
    }
}
