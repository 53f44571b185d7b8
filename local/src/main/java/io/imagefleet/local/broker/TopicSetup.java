package io.imagefleet.local.broker;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the jobs, results and dead-letter topics with the Admin client, if they are missing. */
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topics timed out", e);
        }
    }
}
