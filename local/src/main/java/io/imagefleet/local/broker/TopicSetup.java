package io.imagefleet.local.broker;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the jobs, results and dead-letter topics with the Admin client, if they are missing,
 * and returns once the broker's metadata shows every partition with a leader: a creation is
 * acknowledged when the controller has it, and a client asking the broker at once could still be
 * told the topic does not exist (seen on a loaded machine).
 */
public final class TopicSetup {
    private TopicSetup() {
    }

    public static void ensure(KafkaSettings kafka, Topics topics, int partitions, short replication) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            for (String name : List.of(topics.jobs(), topics.results(), topics.dlq())) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, replication))).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, List.of(topics.jobs(), topics.results(), topics.dlq()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topics timed out", e);
        }
    }

    private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<String, TopicDescription> found = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
                if (found.values().stream().allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topics " + names + ": " + e.getCause(), e.getCause());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics " + names + " were created but had no leaders within 30 s");
            }
            Thread.sleep(50);
        }
    }
}
