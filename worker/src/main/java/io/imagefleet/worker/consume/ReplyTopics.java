package io.imagefleet.worker.consume;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the poll thread knows of the reply topics jobs name: usable, refused (and why), or being
 * checked. The configured results and dead-letter topics are trusted; any other is checked once
 * through a {@link TopicCheck}, and the answer is kept for a while (a refusal shorter, so a topic
 * created later is found). Owned by the poll thread.
 */
final class ReplyTopics {
    /** How long a usable topic is trusted before it is checked again. */
    static final Duration KEEP_USABLE = Duration.ofMinutes(5);
    /** How long a refused topic stays refused before it is checked again. */
    static final Duration KEEP_REFUSED = Duration.ofSeconds(10);

    private final TopicCheck check;
    private final Mailbox mailbox;
    private final Set<String> trusted;
    private final LongSupplier millis;
    private final Map<String, Verdict> known = new HashMap<>();
    private final Set<String> checking = new HashSet<>();

    ReplyTopics(TopicCheck check, Mailbox mailbox, Set<String> trusted, LongSupplier millis) {
        this.check = check;
        this.mailbox = mailbox;
        this.trusted = Set.copyOf(trusted);
        this.millis = millis;
    }

    /** A topic's verdict: {@code usable}, or refused with a {@code problem}; null while it is being checked. */
    record Verdict(boolean usable, String problem, long untilMillis) {
    }

    /** What is known of {@code topic} now; null when it is not known yet (a check is under way). */
    Verdict verdict(String topic) {
        if (trusted.contains(topic)) {
            return new Verdict(true, null, Long.MAX_VALUE);
        }
        Verdict v = known.get(topic);
        if (v != null && v.untilMillis() > millis.getAsLong()) {
            return v;
        }
        if (checking.add(topic)) {
            check.check(topic, (t, problem) -> mailbox.post(new Event.Checked(t, problem)));
        }
        return null;
    }

    /** Starts finding out about {@code topic} early (when its job is taken), so its answer need not wait. */
    void prefetch(String topic) {
        verdict(topic);
    }

    /** A check's answer (from the mailbox). */
    void checked(String topic, String problem) {
        checking.remove(topic);
        long now = millis.getAsLong();
        known.put(topic, problem == null ? new Verdict(true, null, now + KEEP_USABLE.toMillis())
                : new Verdict(false, problem, now + KEEP_REFUSED.toMillis()));
    }
}
