package io.imagefleet.worker.metrics;

import io.imagefleet.worker.recycle.ResidentSet;
import io.imagefleet.worker.version.WorkerVersion;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A JVM's meter registry: Prometheus, with the JVM (memory, GC, threads, classes), process (CPU,
 * uptime, open files, resident set) and build (version) meters bound. Closing it unbinds the GC listener. Used by
 * whichever thread builds it; the registry itself is thread-safe.
 */
public final class ProcessMeters implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private ProcessMeters(PrometheusMeterRegistry registry) {
        this.registry = registry;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        FleetMeter.RESIDENT_MEMORY.gauge(registry, ResidentSet.class, c -> ResidentSet.current().orElse(-1L));
        FleetMeter.BUILD_INFO.gauge(registry, WorkerVersion.class, c -> 1, WorkerVersion.current());
    }

    /**
     * A registry whose every meter carries {@code slot} = this value ({@code supervisor}, or the
     * slot of a worker that serves its own endpoint); null for none (a supervised worker JVM's,
     * whose slot the supervisor adds).
     *
     * @param topics the topics the JVM's Kafka clients use (none for the supervisor), see {@link #kafkaTopicAliases}
     */
    public static ProcessMeters create(String slot, Collection<String> topics) {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (slot != null) {
            r.config().commonTags("slot", slot);
        }
        r.config().meterFilter(kafkaTopicAliases(topics));
        return new ProcessMeters(r);
    }

    /**
     * Kafka clients report their per-topic and per-partition metrics twice, under the topic's name
     * and under the name with dots made underscores (for old JMX tools): this drops the second, so
     * that each partition's lag is one series, not two.
     */
    static MeterFilter kafkaTopicAliases(Collection<String> topics) {
        Set<String> real = Set.copyOf(topics);
        Set<String> aliases = topics.stream().filter(t -> t.indexOf('.') >= 0).map(t -> t.replace('.', '_'))
                .filter(a -> !real.contains(a)).collect(Collectors.toUnmodifiableSet());
        return MeterFilter.deny(id -> {
            String topic = id.getTag("topic");
            return topic != null && id.getName().startsWith("kafka.") && aliases.contains(topic);
        });
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
