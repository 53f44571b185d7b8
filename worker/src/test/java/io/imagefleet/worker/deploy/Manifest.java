package io.imagefleet.worker.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One parsed YAML document (a Kubernetes resource, a compose file) and paths into it: keys for
 * maps, indexes for lists. Absent paths read as empty. Immutable.
 */
record Manifest(Object root) {
    String kind() {
        return string("kind").orElse("");
    }

    String name() {
        return string("metadata", "name").orElse("");
    }

    Optional<Object> at(Object... path) {
        Object node = root;
        for (Object step : path) {
            if (step instanceof String key && node instanceof Map<?, ?> map) {
                node = map.get(key);
            } else if (step instanceof Integer i && node instanceof List<?> list && i < list.size()) {
                node = list.get(i);
            } else {
                return Optional.empty();
            }
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node);
    }

    Optional<String> string(Object... path) {
        return at(path).map(String::valueOf);
    }

    Manifest get(Object... path) {
        return new Manifest(at(path).orElse(Map.of()));
    }

    List<Manifest> list(Object... path) {
        return at(path).filter(List.class::isInstance).map(l -> ((List<?>) l).stream().map(Manifest::new).toList())
                .orElse(List.of());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(Object... path) {
        return at(path).filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).orElse(Map.of());
    }
}
