package io.imagefleet.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image reference and what to make of it: the message on the jobs topic, keyed by
 * {@link #id()}. Built by producers, checked by {@link JobCodec#decode}; immutable.
 *
 * @param v                   the schema version; only 1 is accepted
 * @param id                  1-128 of {@code [A-Za-z0-9._-]}; names the outputs and keys the result
 * @param source              where the image is read: {@code s3://}, {@code file://}, {@code http://}, {@code https://}
 * @param outputs             1-16 variants, all made from one decode
 * @param replyTo             the topic the result goes to; null means the results topic
 * @param metadata            opaque, at most 4 KiB as JSON, echoed on the result
 * @param autoOrient          apply the EXIF orientation before the operations (default true)
 * @param allowDecodeWarnings accept an image the decoder warns about (a truncated JPEG, say)
 *                            instead of failing it DECODE_FAILED (default false)
 * @param expiresAt           optional RFC 3339 time; a job taken after it is answered EXPIRED without work
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Job(
        Integer v,
        String id,
        String source,
        List<OutputSpec> outputs,
        String replyTo,
        Map<String, Object> metadata,
        Boolean autoOrient,
        Boolean allowDecodeWarnings,
        String expiresAt) {

    /** The only schema version this code reads and writes. */
    public static final int VERSION = 1;

    public Job {
        v = v == null ? VERSION : v;
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        metadata = metadata == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        autoOrient = autoOrient == null || autoOrient;
        allowDecodeWarnings = allowDecodeWarnings != null && allowDecodeWarnings;
    }

    /** A job that never expires. */
    public Job(Integer v, String id, String source, List<OutputSpec> outputs, String replyTo,
               Map<String, Object> metadata, Boolean autoOrient, Boolean allowDecodeWarnings) {
        this(v, id, source, outputs, replyTo, metadata, autoOrient, allowDecodeWarnings, null);
    }

    /** A version-1 job with default options. */
    public static Job of(String id, String source, List<OutputSpec> outputs) {
        return new Job(VERSION, id, source, outputs, null, null, null, null, null);
    }

    /** This job with the given reply topic. */
    public Job withReplyTo(String topic) {
        return new Job(v, id, source, outputs, topic, metadata, autoOrient, allowDecodeWarnings, expiresAt);
    }

    /** This job with the given metadata, echoed on its result. */
    public Job withMetadata(Map<String, Object> meta) {
        return new Job(v, id, source, outputs, replyTo, meta, autoOrient, allowDecodeWarnings, expiresAt);
    }

    /** This job, expiring at the given instant. */
    public Job withExpiresAt(Instant at) {
        return new Job(v, id, source, outputs, replyTo, metadata, autoOrient, allowDecodeWarnings,
                at == null ? null : DateTimeFormatter.ISO_INSTANT.format(at));
    }

    /** When the job expires, or null when it does not; {@link JobCodec#decode} has checked the format. */
    public Instant expiry() {
        return expiresAt == null ? null : OffsetDateTime.parse(expiresAt, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    /**
     * A builder for a version-1 job: {@code Job.builder("photo-123", "s3://in/cat.jpg").output(...).build()}.
     * The job is checked against the schema when it is published, not here.
     */
    public static Builder builder(String id, String source) {
        return new Builder(id, source);
    }

    /** Builds a {@link Job}; not thread-safe, one job at a time. */
    public static final class Builder {
        private final String id;
        private final String source;
        private final List<OutputSpec> outputs = new ArrayList<>();
        private String replyTo;
        private Map<String, Object> metadata;
        private Boolean autoOrient;
        private Boolean allowDecodeWarnings;
        private String expiresAt;

        private Builder(String id, String source) {
            this.id = id;
            this.source = source;
        }

        /** Adds an output (at most 16 in a job). */
        public Builder output(OutputSpec output) {
            outputs.add(output);
            return this;
        }

        /** The topic the result goes to (default: the fleet's results topic). */
        public Builder replyTo(String topic) {
            this.replyTo = topic;
            return this;
        }

        /** Opaque metadata (at most 4 KiB as JSON), echoed on the result. */
        public Builder metadata(Map<String, Object> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Whether the EXIF orientation is applied first (default true). */
        public Builder autoOrient(boolean autoOrient) {
            this.autoOrient = autoOrient;
            return this;
        }

        /** Whether an image the decoder warns about (a truncated JPEG) is accepted (default false). */
        public Builder allowDecodeWarnings(boolean allow) {
            this.allowDecodeWarnings = allow;
            return this;
        }

        /** The time after which nobody waits for this job: taken later, it is answered EXPIRED without work. */
        public Builder expiresAt(Instant at) {
            this.expiresAt = at == null ? null : DateTimeFormatter.ISO_INSTANT.format(at);
            return this;
        }

        public Job build() {
            return new Job(VERSION, id, source, outputs, replyTo, metadata, autoOrient, allowDecodeWarnings, expiresAt);
        }
    }
}
