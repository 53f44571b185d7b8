package io.imagefleet.worker.consume;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * How a loop stops, in one step: jobs not yet computing are left for redelivery, the jobs
 * computing are waited for up to the drain timeout while the consumer keeps polling (to stay in
 * the group and let a rebalance finish), what finished is committed, the rest is abandoned
 * uncommitted, and the clients are closed (leaving the group, or staying in it for a recycle).
 * A recycle's drain also finishes the jobs whose fetch has begun: their partitions stay with the
 * slot, so leaving them would throw their fetches away and leave the slot's CPU threads idle
 * while the successor fetches them again. Used by the poll thread once.
 */
final class Drain {
    private static final Logger log = LoggerFactory.getLogger(Drain.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
    /**
     * What a drain keeps of its timeout for committing and closing (at most a quarter of it), so
     * a stopping worker exits within the drain timeout plus the consumer's bounded close.
     */
    private static final Duration CLOSING = Duration.ofSeconds(5);

    /** What a drain needs of its loop. */
    interface Loop {
        /** Hears what the mailbox brings within {@code wait}. */
        void hear(Duration wait);
    }

    private final Consumer<byte[], byte[]> consumer;
    private final LoopSettings settings;
    private final Clock clock;
    private final InFlight book;
    private final OffsetTracker offsets;
    private final Answers answers;
    private final JobRunner runner;
    private final Loop loop;

    Drain(Consumer<byte[], byte[]> consumer, LoopSettings settings, Clock clock, InFlight book, OffsetTracker offsets,
          Answers answers, JobRunner runner, Loop loop) {
        this.consumer = consumer;
        this.settings = settings;
        this.clock = clock;
        this.book = book;
        this.offsets = offsets;
        this.answers = answers;
        this.runner = runner;
        this.loop = loop;
    }

    /**
     * Drains (bounded), commits what finished, leaves the rest for redelivery, and closes the clients.
     *
     * @param remainInGroup  whether the consumer stays in the group (a recycle: the successor takes its partitions)
     * @param finishFetched  whether jobs whose fetch has begun are finished too (else only those computing)
     */
    void run(boolean remainInGroup, boolean finishFetched) {
        try {
            drain(finishFetched);
        } finally {
            close(remainInGroup);
        }
    }

    private void drain(boolean finishFetched) {
        runner.forget(null, !finishFetched);
        int notStarted = answers.abandon(book.all().stream()
                .filter(finishFetched ? Drain::notBegun : ConsumerLoop::notComputed).toList());
        long end = clock.millis() + settings.drainTimeout().toMillis();
        // The wait for jobs ends early enough to commit and close within the drain timeout.
        long deadline = end - Math.min(CLOSING.toMillis(), settings.drainTimeout().toMillis() / 4);
        log.info("draining: {} in flight{}, {} not started (left for redelivery)", book.size(),
                finishFetched ? " (fetched ones finished too)" : "", notStarted);
        try {
            consumer.pause(consumer.assignment());
            while (book.size() > 0 && clock.millis() < deadline) {
                pollWhileDraining(Duration.ZERO);
                if (finishFetched) {
                    runner.computeFetched();
                }
                // Woken by a stage's end or an answer's acknowledgement, so each step follows the last at once.
                loop.hear(settings.pollTimeout());
                commitWhatFinished();
            }
            if (book.size() > 0) {
                log.warn("drain timed out after {} with {} jobs in flight; they stay uncommitted, for redelivery",
                        settings.drainTimeout(), book.size());
                answers.abandon(book.all());
            }
            commitBeforeClosing(Math.max(end, clock.millis() + 1_000));
        } catch (RuntimeException e) {
            log.error("drain failed; uncommitted jobs will be delivered again", e);
        }
    }

    /**
     * Commits what finished so far, as it finishes. Left to the end, a commit can meet a
     * rebalance that outlasts the drain (a sibling leaving the group as it stops): then every
     * job answered during the drain would be run again by the next owner. A refusal here is
     * tried again after the next poll, which rejoins the group.
     */
    private void commitWhatFinished() {
        try {
            answers.commit(offsets.committable(), true);
        } catch (RebalanceInProgressException e) {
            log.debug("a rebalance is in progress; committing after the next poll");
        }
    }

    /** Whether an entry's attempt has not begun (no fetch yet, or waiting to retry). */
    private static boolean notBegun(InFlight.Entry e) {
        return e.state == InFlight.State.WAITING || e.state == InFlight.State.RETRY_WAIT;
    }

    /** Polls (to stay in the group and let a rebalance finish) without taking anything. */
    private void pollWhileDraining(Duration wait) {
        try {
            if (!consumer.poll(wait).isEmpty()) {
                // Assigned during the drain: not taken, so not committed; redelivered.
                consumer.pause(consumer.assignment());
            }
        } catch (WakeupException e) {
            // stop() called again; keep draining
        }
    }

    /**
     * Commits what finished, synchronously. A group in the middle of a rebalance refuses commits
     * until the members have rejoined, so on that refusal the loop polls (which rejoins, and runs
     * the revocation that commits revoked partitions) and tries again, until the deadline.
     */
    private void commitBeforeClosing(long deadline) {
        while (true) {
            try {
                answers.commit(offsets.committable(), true);
                return;
            } catch (RebalanceInProgressException e) {
                if (clock.millis() >= deadline) {
                    log.warn("the group was still rebalancing at the drain deadline; {} stays uncommitted",
                            offsets.committable());
                    return;
                }
                log.info("a rebalance is in progress; finishing it before committing");
                pollWhileDraining(settings.pollTimeout());
                loop.hear(settings.pollTimeout());
            }
        }
    }

    private void close(boolean remainInGroup) {
        runner.close();
        answers.close();
        try {
            // Bounded: a close during a rebalance would otherwise wait the default 30 s for it.
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(remainInGroup
                    ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP : CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (RuntimeException e) {
            log.warn("closing the consumer failed: {}", e.toString());
        }
        log.info("stopped");
    }
}
