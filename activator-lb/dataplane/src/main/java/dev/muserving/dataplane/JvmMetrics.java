package dev.muserving.dataplane;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import java.lang.management.ManagementFactory;

/**
 * The JVM's own meters on a data-plane process's registry: heap pools, GC pauses, threads, and the
 * bytes its threads have allocated. What an operator reads first when a proxy's tail grows (a young
 * collection is a pause on the event loop), and what {@code mu lb-bench} reads to report the bytes a
 * request allocates. Bound once per process, by its main: the binders watch the whole JVM, so a
 * second component in the same process would count everything twice.
 */
public final class JvmMetrics {

    /** The gauge of the bytes the live threads have allocated, as Prometheus names it: what readers of {@code /metrics} look for. */
    public static final String THREADS_ALLOCATED_SERIES = "mu_jvm_threads_allocated_bytes";

    private JvmMetrics() {}

    @SuppressWarnings("resource") // it listens to the JVM's collections for the life of the process
    public static <R extends MeterRegistry> R bindTo(R registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        // Micrometer's jvm_gc_memory_allocated_bytes_total moves only when a collection's notification
        // has been handled, on a thread of its own; HotSpot's per-thread count is exact at any moment.
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()) {
            Gauge.builder("mu.jvm.threads.allocated", threads, JvmMetrics::allocatedByLiveThreads)
                    .baseUnit("bytes")
                    .description("Bytes the threads alive now have allocated over their lives: its change over a run is what "
                            + "the process's long-lived threads, its event loops among them, allocated")
                    .register(registry);
        }
        return registry;
    }

    private static double allocatedByLiveThreads(com.sun.management.ThreadMXBean threads) {
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes); // -1: the thread ended between the two calls
        }
        return total;
    }
}
