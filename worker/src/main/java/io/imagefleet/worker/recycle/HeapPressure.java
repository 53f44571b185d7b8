package io.imagefleet.worker.recycle;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Tells when the old generation is still over a share of its maximum right after a garbage
 * collection: a collection usage threshold on the pool, so the JVM itself notifies (on its
 * notification thread, after each collection that leaves the pool over it) and nothing polls.
 * Live data that survives collections is what a recycle gives back; garbage does not count.
 * Closing removes the listener.
 */
final class HeapPressure implements AutoCloseable {
    private static final Pattern OLD = Pattern.compile("old|tenured", Pattern.CASE_INSENSITIVE);
    private static final Pattern YOUNG = Pattern.compile("eden|survivor|young", Pattern.CASE_INSENSITIVE);

    private final MemoryPoolMXBean pool;
    private final NotificationEmitter emitter;
    private final NotificationListener listener;

    private HeapPressure(MemoryPoolMXBean pool, NotificationEmitter emitter, NotificationListener listener) {
        this.pool = pool;
        this.emitter = emitter;
        this.listener = listener;
    }

    /**
     * Watches the old generation (G1 Old Gen, Tenured Gen, PS Old Gen...); empty when this JVM's
     * collector offers no pool with a collection usage threshold.
     */
    static Optional<HeapPressure> watch(double ratio, Consumer<Exceeded> exceeded) {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()).toList();
        // The tenured pool by name (G1 Old Gen, Tenured Gen, PS Old Gen, ZGC Old Generation), else a
        // single-pool collector's only pool; never eden or survivor, which are empty after a collection.
        Optional<MemoryPoolMXBean> old = heap.stream().filter(p -> OLD.matcher(p.getName()).find()).findFirst()
                .or(() -> heap.stream().filter(p -> !YOUNG.matcher(p.getName()).find())
                        .max(Comparator.comparingLong(HeapPressure::max)));
        if (old.isEmpty()) {
            return Optional.empty();
        }
        MemoryPoolMXBean pool = old.get();
        long max = max(pool);
        long threshold = Math.max(1, (long) (max * ratio));
        pool.setCollectionUsageThreshold(threshold);
        NotificationListener listener = (Notification n, Object handback) -> {
            if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())) {
                MemoryNotificationInfo info = MemoryNotificationInfo.from((CompositeData) n.getUserData());
                if (info.getPoolName().equals(pool.getName())) {
                    exceeded.accept(new Exceeded(pool.getName(), info.getUsage().getUsed(), max, threshold));
                }
            }
        };
        NotificationEmitter emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
        emitter.addNotificationListener(listener, null, null);
        return Optional.of(new HeapPressure(pool, emitter, listener));
    }

    /** One collection that left the pool over the threshold. */
    record Exceeded(String pool, long used, long max, long threshold) {
        String describe(long inFlight) {
            return String.format(Locale.ROOT, "%s holds %d MiB after a collection, %d MiB of it beyond the jobs in flight: "
                            + "%.0f%% of %d MiB (limit %.0f%%)", pool, used >> 20, (used - inFlight) >> 20,
                    100.0 * (used - inFlight) / max, max >> 20, 100.0 * threshold / max);
        }
    }

    private static long max(MemoryPoolMXBean pool) {
        long max = pool.getUsage().getMax();
        return max > 0 ? max : Runtime.getRuntime().maxMemory();
    }

    String poolName() {
        return pool.getName();
    }

    @Override
    public void close() {
        try {
            emitter.removeNotificationListener(listener);
        } catch (ListenerNotFoundException e) {
            // already removed
        }
        pool.setCollectionUsageThreshold(0);
    }
}
