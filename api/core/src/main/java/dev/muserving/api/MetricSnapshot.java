package dev.muserving.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the balancer tells the autoscaler about one function once per interval (a second).
 *
 * @param at the end of the interval
 * @param interval how long the interval was
 * @param arrivals requests that arrived in the interval
 * @param completions requests that finished in the interval
 * @param averageConcurrency time-averaged requests in the system (buffered in the balancer or in a pod)
 *     over the interval: Knative's scaling metric
 * @param bufferedRequests requests held in the balancer at the end of the interval (no pod had room)
 * @param pods each pod's last reported state
 */
public record MetricSnapshot(
        String function,
        Instant at,
        Duration interval,
        long arrivals,
        long completions,
        double averageConcurrency,
        int bufferedRequests,
        List<PodMetrics> pods) {

    public MetricSnapshot {
        pods = List.copyOf(pods);
    }
}
