package dev.muserving.local;

import dev.muserving.api.Arch;
import java.util.Map;

/**
 * One line of {@code mu local}'s status view.
 *
 * @param ready ready pods per architecture
 * @param desired what the autoscaler last asked for
 * @param rps requests per second arriving at the activator-lb, over the last 10 s
 * @param p99Millis the activator's p99 latency since the previous view (a histogram bucket's upper
 *     bound, so rounded up), or NaN without requests
 */
public record FunctionStatus(String function, Map<Arch, Integer> ready, int starting, int desired, double rps, double p99Millis,
        double sloMillis, String lastScaleReason) {}
