package io.imagefleet.worker.config;

/**
 * How log lines are written ({@code IMAGEFLEET_LOG_FORMAT}). The logging configuration reads the
 * variable itself (a JSON appender or the text one); this enum is what start-up validation
 * checks it against, and what tells the supervisor how to tag its children's lines.
 */
public enum LogFormat {
    /** One human-readable line per event. */
    TEXT,
    /** One JSON object per line, with the job id, record, stage and slot as fields. */
    JSON
}
