package io.imagefleet.worker.supervise;

import java.lang.management.ManagementFactory;

/**
 * The heap each worker JVM gets when {@code IMAGEFLEET_CHILD_HEAP} is not set: the container's
 * memory (or the machine's, outside a container) less a reserve for the supervisor and the spare
 * JVM (about 120 and 155 MiB resident, measured), shared between the children, of which 60% is
 * heap; the rest covers each JVM's own needs outside the heap (metaspace, code, threads, the
 * native buffers of image decoders). Stateless.
 */
public final class ChildHeap {
    static final long SUPERVISOR_RESERVE = 384L << 20;
    static final double HEAP_SHARE = 0.6;
    static final long MIN = 128L << 20;
    static final long MAX = 31L << 30;

    private ChildHeap() {
    }

    /** The heap for each of {@code processes} children given {@code totalMemory} bytes. */
    public static long derive(long totalMemory, int processes) {
        long perChild = Math.max(0, totalMemory - SUPERVISOR_RESERVE) / processes;
        long heap = (long) (perChild * HEAP_SHARE);
        heap -= heap % (1 << 20);
        return Math.max(MIN, Math.min(MAX, heap));
    }

    /**
     * The container memory that {@code processes} worker JVMs of {@code heap} bytes each need,
     * with the reserve for the supervisor and the spare: the inverse of {@link #derive}.
     */
    public static long needed(int processes, long heap) {
        return SUPERVISOR_RESERVE + (long) Math.ceil(processes * (heap / HEAP_SHARE));
    }

    /** The memory this process may use: the container limit when there is one (the JDK reads cgroups), else physical memory. */
    public static long totalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
