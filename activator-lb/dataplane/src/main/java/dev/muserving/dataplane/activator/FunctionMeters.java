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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One function's meters, registered when the function is known (a status code not expected, when
 * first answered), all removed together when the function is gone ({@link ActivatorMetrics} says
 * when). Counters and the timer are counted on the balancers' event loops; the gauges are set once a
 * second from the merged snapshot.
 */
final class FunctionMeters {

    /** A pod's two gauges and their values. */
    private record PodGauges(double[] values, List<Meter> meters) {}

    /** The codes a function's requests are counted under from the start: success, the function's error, the activator's own. */
    private static final List<Integer> EXPECTED_CODES = List.of(200, 500, 502, 503, 504);

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<Integer, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Timer duration;
    /** buffered, in flight, ready pods. Guarded by this, as the rest below. */
    private final double[] gauges = new double[3];
    private final List<Meter> gaugeMeters = new ArrayList<>();
    private final Map<String, PodGauges> pods = new HashMap<>();
    private boolean removed;

    FunctionMeters(MeterRegistry registry, FunctionKey function) {
        this.registry = registry;
        this.tags = Tags.of("namespace", function.namespace(), "function", function.name());
        // at zero from the moment the function is known: a series that first shows up already at N
        // has no increase in Prometheus, so a cold start's slowest requests and a first burst of
        // errors were invisible to rate() and to the rules (found by an outside probe)
        EXPECTED_CODES.forEach(code -> requests.put(code, requestCounter(code)));
        duration = Timer.builder("mu.request.duration")
                .description("Time from arrival at the activator to the response headers, waiting for a pod included")
                .tags(tags)
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        gaugeMeters.add(Gauge.builder("mu.buffered.requests", gauges, a -> a[0]).description("Requests held in the activator, waiting for a pod")
                .tags(tags).register(registry));
        gaugeMeters.add(Gauge.builder("mu.inflight.requests", gauges, a -> a[1]).description("Requests sent to pods and not answered yet")
                .tags(tags).register(registry));
        gaugeMeters.add(Gauge.builder("mu.ready.pods", gauges, a -> a[2]).description("Pods the activator routes to")
                .tags(tags).register(registry));
    }

    private Counter requestCounter(int code) {
        return Counter.builder("mu.requests")
                .description("Requests answered by the activator, by function and HTTP status")
                .tags(tags).tag("code", Integer.toString(code))
                .register(registry);
    }

    void finished(int status, long nanos) {
        requests.computeIfAbsent(status, this::requestCounter).increment();
        duration.record(Duration.ofNanos(nanos));
    }

    void retried(String reason) {
        retries.computeIfAbsent(reason, r -> Counter.builder("mu.retries")
                .description("Requests sent again, to another pod where there is one, by why the first pod did not serve them")
                .tags(tags).tag("reason", r).register(registry)).increment();
    }

    /** Sets the gauges from a merged snapshot; a snapshot merged just before the removal changes nothing. */
    synchronized void observe(MetricSnapshot snapshot, int inFlight) {
        if (removed) {
            return; // registering now would put the series back for good
        }
        gauges[0] = snapshot.bufferedRequests();
        gauges[1] = inFlight;
        gauges[2] = snapshot.pods().size();
        Set<String> present = new HashSet<>();
        for (PodMetrics pod : snapshot.pods()) {
            present.add(pod.pod());
            double[] values = pods.computeIfAbsent(pod.pod(), name -> podGauges(pod)).values();
            values[0] = pod.queueLength();
            values[1] = pod.serviceRate();
        }
        pods.entrySet().removeIf(entry -> {
            if (present.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().meters().forEach(registry::remove);
            return true;
        });
    }

    private PodGauges podGauges(PodMetrics pod) {
        double[] v = new double[2];
        Tags podTags = tags.and("pod", pod.pod(), "arch", pod.arch().label());
        return new PodGauges(v, List.of(
                Gauge.builder("mu.pod.queue.length", v, a -> a[0]).description("A pod's last reported Mu-Queue-Length")
                        .tags(podTags).register(registry),
                Gauge.builder("mu.pod.service.rate", v, a -> a[1])
                        .description("A pod's last reported Mu-Service-Rate, requests per second while busy")
                        .tags(podTags).register(registry)));
    }

    /** Takes every series of the function off the registry, once no balancer has a lane left to count a request in. */
    synchronized void remove() {
        removed = true;
        requests.values().forEach(registry::remove);
        retries.values().forEach(registry::remove);
        registry.remove(duration);
        gaugeMeters.forEach(registry::remove);
        pods.values().forEach(pod -> pod.meters().forEach(registry::remove));
    }
}
