package io.imagefleet.worker.consume;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * Finds out, without blocking the caller, whether a reply topic exists and can be seen: a result
 * is only handed to the producer for a topic known to exist, so that a missing topic neither
 * blocks the poll thread in the producer's metadata wait nor poisons a transaction, and the
 * worker never makes Kafka create a topic. Thread-safe.
 */
@FunctionalInterface
public interface TopicCheck {
    /** Calls {@code done} (on any thread) with the topic and null when it can take results, or why not. */
    void check(String topic, BiConsumer<String, String> done);

    /** Trusts every topic: for tests, and clusters where describing topics is not allowed. */
    TopicCheck TRUST = (topic, done) -> done.accept(topic, null);

    /** Asks the cluster with {@code admin}, giving up (the topic counts as missing) after {@code timeout}. */
    static TopicCheck describing(Admin admin, Duration timeout) {
        return (topic, done) -> admin.describeTopics(List.of(topic),
                        new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
                .allTopicNames().toCompletionStage().whenComplete((names, e) ->
                        done.accept(topic, e == null ? null : problem(e, timeout)));
    }

    private static String problem(Throwable e, Duration timeout) {
        Throwable cause = e instanceof CompletionException || e instanceof ExecutionException ? e.getCause() : e;
        if (cause instanceof UnknownTopicOrPartitionException) {
            return "the topic does not exist";
        }
        if (cause instanceof AuthorizationException) {
            return "not authorised to describe the topic (" + cause.getMessage() + ")";
        }
        if (cause instanceof InvalidTopicException) {
            return "invalid topic (" + cause.getMessage() + ")";
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "the topic is still unknown after " + timeout.toMillis() + " ms";
        }
        return "the topic could not be checked (" + cause + ")";
    }
}
