package dev.muserving.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * @param latency the latencies of the requests answered in the interval, arrival to answer
 *     (empty where nobody measures them, as in the simulator)
 */
public record MetricSnapshot(
        String function,
        Instant at,
        Duration interval,
        long arrivals,
        long completions,
        double averageConcurrency,
        int bufferedRequests,
        List<PodMetrics> pods,
        LatencyHistogram latency) {

    public MetricSnapshot {
        pods = List.copyOf(pods);
        Objects.requireNonNull(latency, "latency");
    }

    /** Whether a request arrived in the interval or was in the system at some time during it. */
    public boolean sawRequests() {
        return arrivals > 0 || averageConcurrency > 0;
    }

    /** A snapshot without latencies. */
    public MetricSnapshot(String function, Instant at, Duration interval, long arrivals, long completions, double averageConcurrency,
            int bufferedRequests, List<PodMetrics> pods) {
        this(function, at, interval, arrivals, completions, averageConcurrency, bufferedRequests, pods, LatencyHistogram.EMPTY);
    }

    /**
     * Several balancers' snapshots of one function (one each; see {@link #then}) as one, covering
     * {@code interval} up to {@code at}: arrivals, completions, held requests and concurrency-seconds
     * and latencies add up; of a pod seen
     * by several, the report in the latest snapshot stands (a pod reports the same queue to every
     * balancer, so the latest is the freshest). How the controller merges its activator-lb replicas.
     */
    public static MetricSnapshot combine(String function, Instant at, Duration interval, List<MetricSnapshot> parts) {
        long arrivals = 0;
        long completions = 0;
        double concurrencySeconds = 0;
        int buffered = 0;
        LatencyHistogram latency = LatencyHistogram.EMPTY;
        Map<String, PodMetrics> pods = new LinkedHashMap<>();
        List<MetricSnapshot> byTime = new ArrayList<>(parts);
        byTime.sort(Comparator.comparing(MetricSnapshot::at));
        for (MetricSnapshot part : byTime) {
            if (!part.function().equals(function)) {
                throw new IllegalArgumentException("a snapshot of " + part.function() + " among those of " + function);
            }
            arrivals += part.arrivals();
            completions += part.completions();
            concurrencySeconds += part.averageConcurrency() * part.interval().toNanos() / 1e9;
            buffered += part.bufferedRequests();
            latency = latency.plus(part.latency());
            part.pods().forEach(pod -> pods.put(pod.pod(), pod));
        }
        return new MetricSnapshot(function, at, interval, arrivals, completions, concurrencySeconds / (interval.toNanos() / 1e9),
                buffered, List.copyOf(pods.values()), latency);
    }

    /**
     * This snapshot followed by a later one of the same function from the same balancer, as one
     * covering both intervals: the counts and latencies add up, held requests and pods are the later one's.
     */
    public MetricSnapshot then(MetricSnapshot later) {
        if (!later.function().equals(function)) {
            throw new IllegalArgumentException("a snapshot of " + later.function() + " after one of " + function);
        }
        Duration both = interval.plus(later.interval());
        double concurrencySeconds = averageConcurrency * interval.toNanos() / 1e9 + later.averageConcurrency() * later.interval().toNanos() / 1e9;
        return new MetricSnapshot(function, later.at(), both, arrivals + later.arrivals(), completions + later.completions(),
                concurrencySeconds / (both.toNanos() / 1e9), later.bufferedRequests(), later.pods(), latency.plus(later.latency()));
    }
}
