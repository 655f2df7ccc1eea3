package dev.muserving.lbbench;

import dev.muserving.dataplane.JvmMetrics;
import java.util.Optional;

/**
 * What a Java balancer's JVM says on its Prometheus endpoint ({@code dev.muserving.dataplane.JvmMetrics}),
 * read around a run: the bytes allocated so far and the collections' pauses.
 *
 * @param allocatedBytes what the threads alive now have allocated ({@code mu_jvm_threads_allocated_bytes}):
 *     a difference of two readings is what the long-lived threads (the event loops) allocated between them
 * @param gcPauses collections, of any kind
 * @param gcPauseSeconds their pauses together
 */
record JvmReading(double allocatedBytes, long gcPauses, double gcPauseSeconds) {

    /** Empty when the exposition has no allocation figure (a process without the JVM's meters). */
    static Optional<JvmReading> parse(String exposition) {
        double allocated = 0;
        long pauses = 0;
        double pauseSeconds = 0;
        boolean counted = false;
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int nameEnd = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
            if (nameEnd < 0) {
                continue;
            }
            String name = line.substring(0, nameEnd);
            double value;
            try {
                value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } catch (NumberFormatException e) {
                continue; // a sample we do not read, written in a form we do not need to
            }
            switch (name) {
                case JvmMetrics.THREADS_ALLOCATED_SERIES -> {
                    allocated += value;
                    counted = true;
                }
                case "jvm_gc_pause_seconds_count" -> pauses += (long) value;
                case "jvm_gc_pause_seconds_sum" -> pauseSeconds += value;
                default -> { }
            }
        }
        return counted ? Optional.of(new JvmReading(allocated, pauses, pauseSeconds)) : Optional.empty();
    }

    JvmReading minus(JvmReading earlier) {
        return new JvmReading(allocatedBytes - earlier.allocatedBytes, gcPauses - earlier.gcPauses, gcPauseSeconds - earlier.gcPauseSeconds);
    }

    JvmReading plus(JvmReading other) {
        return new JvmReading(allocatedBytes + other.allocatedBytes, gcPauses + other.gcPauses, gcPauseSeconds + other.gcPauseSeconds);
    }
}
