package io.imagefleet.worker.deploy;

import io.imagefleet.worker.config.WorkerConfig;
import org.assertj.core.api.SoftAssertions;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Strimzi KafkaUser's ACLs, checked against what the workers do when the Deployment takes its
 * credentials from this user's Secret: read the jobs topic in the group, write results and dead
 * letters, and use the transactional ids of exactly-once delivery. Immutable.
 */
record KafkaAcls(String user, List<Manifest> acls) {
    static KafkaAcls of(Manifest kafkaUser) {
        return new KafkaAcls(kafkaUser.name(), kafkaUser.list("spec", "authorization", "acls"));
    }

    void check(SoftAssertions softly, String overlay, WorkerConfig worker, Manifest container) {
        boolean workersUseIt = container.list("env").stream()
                .anyMatch(e -> e.string("valueFrom", "secretKeyRef", "name").orElse("").equals(user));
        if (!workersUseIt) {
            return;
        }
        allows(softly, overlay, "topic", worker.topics().jobs(), "Read");
        allows(softly, overlay, "group", worker.groupId(), "Read");
        allows(softly, overlay, "topic", worker.topics().results(), "Write");
        allows(softly, overlay, "topic", worker.topics().dlq(), "Write");
        // WorkerMain's transactional id: imagefleet-<group>-<host>-slot-<N>.
        allows(softly, overlay, "transactionalId", "imagefleet-" + worker.groupId() + "-pod-a-slot-0", "Write");
    }

    private void allows(SoftAssertions softly, String overlay, String type, String name, String operation) {
        Set<String> granted = acls.stream().filter(a -> a.string("resource", "type").orElse("").equals(type))
                .filter(a -> covers(a.get("resource"), name))
                .flatMap(a -> a.list("operations").stream()).map(o -> String.valueOf(o.root()))
                .collect(Collectors.toSet());
        softly.assertThat(granted.contains(operation) || granted.contains("All"))
                .as("%s: KafkaUser %s may %s %s %s (granted %s)", overlay, user, operation, type, name, granted).isTrue();
    }

    private static boolean covers(Manifest resource, String name) {
        String pattern = resource.string("name").orElse("");
        return "prefix".equals(resource.string("patternType").orElse("literal")) ? name.startsWith(pattern)
                : pattern.equals(name) || pattern.equals("*");
    }
}
