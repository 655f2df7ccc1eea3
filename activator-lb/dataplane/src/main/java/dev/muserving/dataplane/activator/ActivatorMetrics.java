package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.MetricSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The activator's Prometheus metrics (names in docs/dataplane.md). Request counters and latencies
 * are recorded as requests finish; gauges follow the per-second snapshots.
 *
 * <p>A function's meters live while some balancer has a lane for it: a deleted function's series
 * leave {@code /metrics} once its last request finished (one deleted while it waited for a pod kept
 * MuScaleFromZeroStuck firing). They go only when no lane is left to count a request of it: removed
 * while one could, a request of the function added back at once could be handed the meter being
 * removed by the registry, and the function's new series would never show.
 */
final class ActivatorMetrics {

    /** A function's meters and how many balancers have a lane for it. */
    private record Tracked(FunctionMeters meters, int lanes) {}

    private final MeterRegistry registry;
    private final Map<FunctionKey, Tracked> functions = new ConcurrentHashMap<>();

    ActivatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A balancer made a lane for the function; a function that was gone gets new meters. */
    void laneOpened(FunctionKey function) {
        functions.compute(function, (key, tracked) -> tracked == null
                ? new Tracked(new FunctionMeters(registry, key), 1) : new Tracked(tracked.meters(), tracked.lanes() + 1));
    }

    /** A balancer dropped the lane of a removed function: with the last one, the function's series go. */
    void laneClosed(FunctionKey function) {
        functions.computeIfPresent(function, (key, tracked) -> {
            if (tracked.lanes() > 1) {
                return new Tracked(tracked.meters(), tracked.lanes() - 1);
            }
            tracked.meters().remove();
            return null;
        });
    }

    /** Called from the function's lane, which is open while it has requests. */
    void finished(FunctionKey function, int status, long nanos) {
        functions.get(function).meters().finished(status, nanos);
    }

    /** A request is sent again; {@code reason} is one of {@link Balancer}'s retry reasons. */
    void retried(FunctionKey function, String reason) {
        functions.get(function).meters().retried(reason);
    }

    /** Updates the gauges from a merged snapshot. */
    void observe(FunctionKey function, MetricSnapshot snapshot, int inFlight) {
        Tracked tracked = functions.get(function);
        if (tracked != null) { // else its last lane went while the snapshot was merged
            tracked.meters().observe(snapshot, inFlight);
        }
    }
}
