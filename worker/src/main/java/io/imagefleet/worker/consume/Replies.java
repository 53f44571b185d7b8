package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.JobCodec;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.ResultCodec;
import io.imagefleet.wire.Status;
import io.imagefleet.worker.config.ReplySettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Builds the records a worker sends: results (keyed by job id, correlation and trace headers
 * echoed from the job, Spring's {@code kafka_correlationId} too) on the job's reply topic or the
 * results topic, and dead letters (the original key, value and headers, plus the error headers;
 * a value too large for the topic is cut, with its size and SHA-256 in headers). It knows which
 * reply topics are allowed, and tells a {@link ReplyListener} of each answer Kafka has taken.
 * Stateless apart from the codec; thread-safe.
 */
public final class Replies {
    /** Spring Kafka's request-reply header naming the reply topic ({@code KafkaHeaders.REPLY_TOPIC}). */
    static final String SPRING_REPLY_TOPIC = "kafka_replyTopic";
    /** Spring Kafka's request-reply correlation header ({@code KafkaHeaders.CORRELATION_ID}), echoed. */
    static final String SPRING_CORRELATION_ID = "kafka_correlationId";
    /** Spring Kafka's request-reply header naming the reply partition, a 4-byte big-endian int ({@code KafkaHeaders.REPLY_PARTITION}). */
    static final String SPRING_REPLY_PARTITION = "kafka_replyPartition";
    /** Kafka's default {@code max.request.size}. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;
    /** Room kept for what the estimate of a record's size may miss. */
    private static final int SIZE_MARGIN = 512;

    private final ResultCodec codec = new ResultCodec();
    private final String resultsTopic;
    private final String dlqTopic;
    private final ReplySettings allowed;
    private final int maxRecordBytes;
    private final ReplyListener listener;

    public Replies(String resultsTopic, String dlqTopic) {
        this(resultsTopic, dlqTopic, new ReplySettings(java.util.List.of(resultsTopic, ReplySettings.DEFAULT_PREFIX)),
                DEFAULT_MAX_RECORD_BYTES, ReplyListener.NONE);
    }

    /**
     * @param maxRecordBytes the largest record the producer sends ({@code max.request.size})
     */
    public Replies(String resultsTopic, String dlqTopic, ReplySettings allowed, int maxRecordBytes,
                   ReplyListener listener) {
        this.resultsTopic = resultsTopic;
        this.dlqTopic = dlqTopic;
        this.allowed = allowed;
        this.maxRecordBytes = maxRecordBytes;
        this.listener = listener;
    }

    String resultsTopic() {
        return resultsTopic;
    }

    /**
     * Where a job's result goes: its {@code replyTo}, else the Spring {@code kafka_replyTopic}
     * header, else the results topic; or why that topic may not be used (an {@code INVALID_JOB}).
     */
    Route route(ConsumerRecord<byte[], byte[]> record, Job job) {
        String named = job.replyTo();
        String from = "replyTo";
        if (named == null) {
            Header h = record.headers().lastHeader(SPRING_REPLY_TOPIC);
            if (h == null || h.value() == null) {
                return new Route(resultsTopic, null);
            }
            named = new String(h.value(), StandardCharsets.UTF_8);
            from = "header " + SPRING_REPLY_TOPIC;
            String rule = JobCodec.topicRule(named);
            if (rule != null) {
                return new Route(resultsTopic, from + " " + rule);
            }
        }
        if (!allowed.allows(named)) {
            return new Route(resultsTopic, from + " '" + named + "' is not a topic results may be written to "
                    + "(IMAGEFLEET_REPLY_TOPICS: " + String.join(", ", allowed.topics()) + ")");
        }
        return new Route(named, null);
    }

    /** {@code named} when results may be written to it, else the results topic (for a record that is no valid job). */
    String allowedOrResults(String named) {
        return named != null && JobCodec.topicRule(named) == null && allowed.allows(named) ? named : resultsTopic;
    }

    /** An allowed topic a job's result may go to, or (problem set) why it may not. */
    record Route(String topic, String problem) {
    }

    /** What a failed record was: a result on a job's own reply topic, on the results topic, or a dead letter. */
    enum Kind { REPLY, RESULT, DEAD_LETTER }

    Kind kind(ProducerRecord<byte[], byte[]> r) {
        return r.topic().equals(dlqTopic) ? Kind.DEAD_LETTER : r.topic().equals(resultsTopic) ? Kind.RESULT : Kind.REPLY;
    }

    /** The result record on {@code topic}. */
    ProducerRecord<byte[], byte[]> result(ConsumerRecord<byte[], byte[]> job, String topic, Result result) {
        RecordHeaders headers = new RecordHeaders();
        for (String name : new String[] {Headers.CORRELATION_ID, Headers.TRACEPARENT, SPRING_CORRELATION_ID}) {
            Header h = job.headers().lastHeader(name);
            if (h != null) {
                headers.add(name, h.value());
            }
        }
        return new ProducerRecord<>(topic, replyPartition(job, topic), result.jobId().getBytes(StandardCharsets.UTF_8),
                codec.encode(result), headers);
    }

    /**
     * The partition Spring's {@code kafka_replyPartition} names, for a result on the topic its
     * {@code kafka_replyTopic} names (a template listening to one partition of a shared reply
     * topic); else null, and the producer picks by key. Never applied to the results topic, so a
     * partition it does not have cannot hold up the answers of last resort.
     */
    private Integer replyPartition(ConsumerRecord<byte[], byte[]> job, String topic) {
        Header partition = job.headers().lastHeader(SPRING_REPLY_PARTITION);
        Header named = job.headers().lastHeader(SPRING_REPLY_TOPIC);
        if (partition == null || partition.value() == null || partition.value().length != 4 || named == null
                || topic.equals(resultsTopic) || !topic.equals(new String(named.value(), StandardCharsets.UTF_8))) {
            return null;
        }
        int p = java.nio.ByteBuffer.wrap(partition.value()).getInt();
        return p >= 0 ? p : null;
    }

    /**
     * The result that replaces one its reply topic refused: REPLY_FAILED, naming the topic and the
     * cause, with whatever outputs the job made; for the results topic.
     */
    static Result replyFailed(Result refused, String topic, String cause) {
        String was = refused.succeeded() ? "succeeded" : "failed " + refused.error().code() + ": " + refused.error().message();
        String message = "the result could not be written to reply topic '" + topic + "': " + cause + " (the job " + was
                + ")";
        return new Result(refused.v(), refused.jobId(), Status.FAILED, refused.outputs(), refused.source(),
                refused.timings(), refused.worker(), Result.ErrorInfo.of(ErrorCode.REPLY_FAILED, message),
                refused.metadata(), refused.warnings());
    }

    /**
     * The dead letter for a record: original key, value and headers, plus the error headers. A
     * value that would make the record larger than the producer sends is cut to fit, and the
     * original's size and SHA-256 go in headers.
     */
    ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> job, ErrorCode code, String message,
                                              int attempts, Instant failedAt) {
        RecordHeaders headers = new RecordHeaders(job.headers().toArray());
        headers.add(Headers.ERROR_CODE, utf8(code.name()));
        headers.add(Headers.ERROR_MESSAGE, utf8(message));
        headers.add(Headers.ORIGINAL_TOPIC, utf8(job.topic()));
        headers.add(Headers.ORIGINAL_PARTITION, utf8(Integer.toString(job.partition())));
        headers.add(Headers.ORIGINAL_OFFSET, utf8(Long.toString(job.offset())));
        headers.add(Headers.ATTEMPTS, utf8(Integer.toString(attempts)));
        headers.add(Headers.FAILED_AT, utf8(failedAt.toString()));
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(dlqTopic, null, job.key(), job.value(), headers);
        int over = estimatedSize(dead) - (maxRecordBytes - SIZE_MARGIN);
        return over > 0 ? truncated(dead, Math.max(0, length(job.value()) - over - 128)) : dead;
    }

    /** A dead letter the topic refused as too large, cut to half its value (the original's size and hash kept). */
    ProducerRecord<byte[], byte[]> halved(ProducerRecord<byte[], byte[]> dead) {
        return truncated(dead, length(dead.value()) / 2);
    }

    private static ProducerRecord<byte[], byte[]> truncated(ProducerRecord<byte[], byte[]> dead, int keep) {
        RecordHeaders headers = new RecordHeaders(dead.headers().toArray());
        if (headers.lastHeader(Headers.ORIGINAL_SIZE) == null) {
            headers.add(Headers.ORIGINAL_SIZE, utf8(Integer.toString(length(dead.value()))));
            headers.add(Headers.ORIGINAL_SHA256, utf8(sha256(dead.value())));
        }
        byte[] value = dead.value() == null ? null : Arrays.copyOf(dead.value(), Math.min(keep, dead.value().length));
        return new ProducerRecord<>(dead.topic(), dead.partition(), dead.key(), value, headers);
    }

    /** Tells the listener of an answer Kafka has taken: the result, and the dead letter if there was one. */
    void taken(Answer answer) {
        RecordRef record = RecordRef.of(answer.job());
        if (answer.result() != null) {
            listener.result(record, answer.result());
        }
        if (answer.deadLetter() != null) {
            listener.deadLetter(record, answer.deadLetter(), answer.attempts());
        }
    }

    /**
     * A job's final answer, as it is told once Kafka has it.
     *
     * @param result     the result, or null when there is none (a record without an id)
     * @param deadLetter the dead letter's code, or null when there is none
     */
    record Answer(ConsumerRecord<byte[], byte[]> job, Result result, ErrorCode deadLetter, int attempts) {
    }

    /** An upper bound of a record's size in a batch of its own (record batch format v2, no compression). */
    static int estimatedSize(ProducerRecord<byte[], byte[]> r) {
        int size = 61 + 21 + 5 + length(r.key()) + 5 + length(r.value()) + 5;
        for (Header h : r.headers()) {
            size += 5 + h.key().getBytes(StandardCharsets.UTF_8).length + 5 + length(h.value());
        }
        return size;
    }

    int maxRecordBytes() {
        return maxRecordBytes;
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes == null ? new byte[0] : bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Optional<String> header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
