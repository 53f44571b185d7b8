package io.imagefleet.worker.supervise;

import java.lang.management.ManagementFactory;

/**
 * How memory is shared in a pod. The supervisor and the spare JVM take a fixed reserve (about
 * 120 and 155 MiB resident, measured); each worker JVM gets an equal share of the rest, of which
 * its heap is 60%, but never less than {@value #NON_HEAP_MIB} MiB is left outside the heap:
 * metaspace, code, threads, GC structures and the native decoders' and encoders' buffers, which
 * do not shrink with the heap. Worker JVMs given the corpus (photos and every format, 256 px JPEG
 * and 1024 px WebP outputs) peaked at 258-370 MiB over their heap, at -Xmx256m and -Xmx512m, one
 * thread or two. The heap is {@code IMAGEFLEET_CHILD_HEAP} when set, else derived from the
 * container's memory (or the machine's, outside a container). Stateless.
 */
public final class ChildHeap {
    static final long SUPERVISOR_RESERVE = 384L << 20;
    static final double HEAP_SHARE = 0.6;
    static final long NON_HEAP_MIB = 384;
    static final long NON_HEAP = NON_HEAP_MIB << 20;
    static final long MIN = 128L << 20;
    static final long MAX = 31L << 30;

    private ChildHeap() {
    }

    /** The heap for each of {@code processes} children given {@code totalMemory} bytes. */
    public static long derive(long totalMemory, int processes) {
        long perChild = Math.max(0, totalMemory - SUPERVISOR_RESERVE) / processes;
        long heap = Math.min((long) (perChild * HEAP_SHARE), perChild - NON_HEAP);
        heap -= Math.floorMod(heap, 1L << 20);
        return Math.max(MIN, Math.min(MAX, heap));
    }

    /** The resident memory a worker JVM with this heap is given: its share of the pod. */
    public static long share(long heap) {
        return Math.max((long) Math.ceil(heap / HEAP_SHARE), heap + NON_HEAP);
    }

    /**
     * The container memory that {@code processes} worker JVMs of {@code heap} bytes each need,
     * with the reserve for the supervisor and the spare: the inverse of {@link #derive}.
     */
    public static long needed(int processes, long heap) {
        return SUPERVISOR_RESERVE + processes * share(heap);
    }

    /** The memory this process may use: the container limit when there is one (the JDK reads cgroups), else physical memory. */
    public static long totalMemory() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
