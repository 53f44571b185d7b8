package io.imagefleet.worker.consume;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.Map;

/**
 * Whether a consumer has completed a join of its group, read from its own metrics: once it has,
 * an empty assignment means the group has no partition for it (more members than partitions), not
 * that it is still joining. Stateless.
 */
public final class GroupJoin {
    private static final String LAST_REBALANCE = "last-rebalance-seconds-ago";

    private GroupJoin() {
    }

    /** True once {@code last-rebalance-seconds-ago} (-1 until the first rebalance completes) is 0 or more. */
    public static boolean joined(Map<MetricName, ? extends Metric> metrics) {
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (LAST_REBALANCE.equals(e.getKey().name()) && e.getValue().metricValue() instanceof Number n
                    && n.doubleValue() >= 0) {
                return true;
            }
        }
        return false;
    }
}
