package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The activator's Prometheus metrics (names in docs/dataplane.md). Request counters and latencies
 * are recorded as requests finish; gauges follow the per-second snapshots.
 */
final class ActivatorMetrics {

    private final MeterRegistry registry;
    private final Map<FunctionKey, Map<Integer, Counter>> requests = new ConcurrentHashMap<>();
    private final Map<FunctionKey, Timer> durations = new ConcurrentHashMap<>();
    private final Map<FunctionKey, Map<String, Counter>> retries = new ConcurrentHashMap<>();
    private final Map<FunctionKey, double[]> functionGauges = new ConcurrentHashMap<>();
    private final Map<String, double[]> podGauges = new ConcurrentHashMap<>();
    private final Map<String, Set<Meter>> podMeters = new ConcurrentHashMap<>();

    ActivatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private static Tags tags(FunctionKey function) {
        return Tags.of("namespace", function.namespace(), "function", function.name());
    }

    void finished(FunctionKey function, int status, long nanos) {
        requests.computeIfAbsent(function, f -> new ConcurrentHashMap<>()).computeIfAbsent(status, code -> Counter.builder("mu.requests")
                .description("Requests answered by the activator, by function and HTTP status")
                .tags(tags(function)).tag("code", Integer.toString(code))
                .register(registry)).increment();
        durations.computeIfAbsent(function, f -> Timer.builder("mu.request.duration")
                .description("Time from arrival at the activator to the response headers, waiting for a pod included")
                .tags(tags(f))
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)).record(Duration.ofNanos(nanos));
    }

    /** A request is sent again; {@code reason} is one of {@link Balancer}'s retry reasons. */
    void retried(FunctionKey function, String reason) {
        retries.computeIfAbsent(function, f -> new ConcurrentHashMap<>()).computeIfAbsent(reason, r -> Counter.builder("mu.retries")
                .description("Requests sent again, to another pod where there is one, by why the first pod did not serve them")
                .tags(tags(function)).tag("reason", r).register(registry)).increment();
    }

    /** Updates the gauges from a merged snapshot. */
    void observe(FunctionKey function, MetricSnapshot snapshot, int inFlight) {
        double[] values = functionGauges.computeIfAbsent(function, f -> {
            double[] v = new double[3];
            Gauge.builder("mu.buffered.requests", v, a -> a[0]).description("Requests held in the activator, waiting for a pod")
                    .tags(tags(f)).register(registry);
            Gauge.builder("mu.inflight.requests", v, a -> a[1]).description("Requests sent to pods and not answered yet")
                    .tags(tags(f)).register(registry);
            Gauge.builder("mu.ready.pods", v, a -> a[2]).description("Pods the activator routes to")
                    .tags(tags(f)).register(registry);
            return v;
        });
        values[0] = snapshot.bufferedRequests();
        values[1] = inFlight;
        values[2] = snapshot.pods().size();
        Set<String> present = new HashSet<>();
        for (PodMetrics pod : snapshot.pods()) {
            String id = function + "|" + pod.pod();
            present.add(id);
            double[] podValues = podGauges.computeIfAbsent(id, k -> {
                double[] v = new double[2];
                Tags podTags = tags(function).and("pod", pod.pod(), "arch", pod.arch().label());
                podMeters.put(k, Set.of(
                        Gauge.builder("mu.pod.queue.length", v, a -> a[0]).description("A pod's last reported Mu-Queue-Length")
                                .tags(podTags).register(registry),
                        Gauge.builder("mu.pod.service.rate", v, a -> a[1])
                                .description("A pod's last reported Mu-Service-Rate, requests per second while busy")
                                .tags(podTags).register(registry)));
                return v;
            });
            podValues[0] = pod.queueLength();
            podValues[1] = pod.serviceRate();
        }
        String prefix = function + "|";
        podGauges.keySet().removeIf(id -> {
            if (id.startsWith(prefix) && !present.contains(id)) {
                podMeters.remove(id).forEach(registry::remove);
                return true;
            }
            return false;
        });
    }
}
