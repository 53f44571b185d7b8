package io.imagefleet.local.fleet;

import io.imagefleet.config.KafkaSettings;
import io.imagefleet.config.Topics;
import io.imagefleet.local.SharedKafka;
import io.imagefleet.producer.JobPublisher;
import io.imagefleet.producer.ReceivedResult;
import io.imagefleet.producer.ResultReader;
import io.imagefleet.wire.Format;
import io.imagefleet.wire.Job;
import io.imagefleet.wire.Op;
import io.imagefleet.wire.OutputSpec;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Publishing test jobs and counting every result a topic holds, per job id. */
final class FleetJobs {
    private FleetJobs() {
    }

    /** A job making one small JPEG thumbnail of {@code source} into {@code out}. */
    static Job thumbnail(String id, String source, Path out) {
        return Job.of(id, source, List.of(OutputSpec.of("thumb", List.of(Op.Resize.inside(48, 48)), Format.JPEG, 80,
                out.toUri().toString())));
    }

    /** Publishes the jobs in order and returns where each landed, by job id. */
    static Map<String, RecordMetadata> publish(Topics topics, List<Job> jobs) {
        return publish(SharedKafka.kafka(), topics, jobs);
    }

    static Map<String, RecordMetadata> publish(KafkaSettings kafka, Topics topics, List<Job> jobs) {
        Map<String, RecordMetadata> where = new LinkedHashMap<>();
        try (JobPublisher publisher = new JobPublisher(kafka, topics.jobs())) {
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            for (Job j : jobs) {
                sends.add(publisher.publish(j));
            }
            publisher.flush();
            for (int i = 0; i < jobs.size(); i++) {
                where.put(jobs.get(i).id(), sends.get(i).join());
            }
        }
        return where;
    }

    /** The ids of the jobs with more than one result, and how many each has. */
    static Map<String, Integer> duplicates(Map<String, List<ReceivedResult>> results) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        results.forEach((id, rs) -> {
            if (rs.size() > 1) {
                out.put(id, rs.size());
            }
        });
        return out;
    }

    /** Every result on the topic now, grouped by job id, in topic order within a partition. */
    static Map<String, List<ReceivedResult>> allResults(Topics topics) {
        return allResults(SharedKafka.kafka(), topics);
    }

    static Map<String, List<ReceivedResult>> allResults(KafkaSettings kafka, Topics topics) {
        Map<String, List<ReceivedResult>> out = new LinkedHashMap<>();
        try (ResultReader reader = new ResultReader(kafka, topics.results(), new ResultReader.Start.Beginning())) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!reader.caughtUp() && System.nanoTime() < deadline) {
                for (ReceivedResult r : reader.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.result().jobId(), k -> new ArrayList<>()).add(r);
                }
            }
            for (ReceivedResult r : reader.poll(Duration.ofMillis(200))) {
                out.computeIfAbsent(r.result().jobId(), k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }
}
