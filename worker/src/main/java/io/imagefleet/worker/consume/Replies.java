package io.imagefleet.worker.consume;

import io.imagefleet.wire.ErrorCode;
import io.imagefleet.wire.Headers;
import io.imagefleet.wire.Result;
import io.imagefleet.wire.ResultCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Builds the records a worker sends: results (keyed by job id, correlation and trace headers
 * echoed from the job) and dead letters (the original key, value and headers, plus the error
 * headers), telling a {@link ReplyListener} of each. Stateless apart from the codec; thread-safe.
 */
public final class Replies {
    private final ResultCodec codec = new ResultCodec();
    private final String resultsTopic;
    private final String dlqTopic;
    private final ReplyListener listener;

    public Replies(String resultsTopic, String dlqTopic) {
        this(resultsTopic, dlqTopic, ReplyListener.NONE);
    }

    public Replies(String resultsTopic, String dlqTopic, ReplyListener listener) {
        this.resultsTopic = resultsTopic;
        this.dlqTopic = dlqTopic;
        this.listener = listener;
    }

    /** The result record, on the job's replyTo or else the results topic. */
    ProducerRecord<byte[], byte[]> result(ConsumerRecord<byte[], byte[]> job, String replyTo, Result result) {
        RecordHeaders headers = new RecordHeaders();
        for (String name : new String[] {Headers.CORRELATION_ID, Headers.TRACEPARENT}) {
            Header h = job.headers().lastHeader(name);
            if (h != null) {
                headers.add(name, h.value());
            }
        }
        listener.result(job, result);
        return new ProducerRecord<>(replyTo == null ? resultsTopic : replyTo, null,
                result.jobId().getBytes(StandardCharsets.UTF_8), codec.encode(result), headers);
    }

    /** The dead letter for a record: original key, value and headers, plus the error headers. */
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
        listener.deadLetter(job, code, attempts);
        return new ProducerRecord<>(dlqTopic, null, job.key(), job.value(), headers);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
