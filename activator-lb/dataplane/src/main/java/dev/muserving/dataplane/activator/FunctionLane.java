package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.LatencyHistogram;
import dev.muserving.api.PodHeaderState;
import dev.muserving.routing.policy.RoutingPolicy;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** One function in one balancer: its routing policy, its pods, what it holds and what it counted. */
final class FunctionLane {

    /**
     * What a lane counted since the last snapshot, for the metric stream.
     *
     * @param removed the function is no longer listed; the lane stays while requests of its own finish
     */
    record Stats(long arrivals, long completions, double concurrencySeconds, int held, int inFlight, List<PodHeaderState> pods,
            LatencyHistogram latency, boolean removed) {}

    final FunctionKey key;
    /** Replaced when the function's settings change. */
    RoutingPolicy policy;
    final PodTable pods = new PodTable();
    final ArrayDeque<Call> held = new ArrayDeque<>();
    FunctionRoute route;
    boolean removed;
    long lastDemandNanos;
    /** Requests sent to a pod and not answered yet, counted here too as their pod may no longer be listed. */
    int inFlight;

    private long arrivals;
    private long completions;
    private int inSystem;
    private long lastChangeNanos = System.nanoTime();
    private double concurrencyNanos;
    private final LatencyHistogram.Recorder latency = new LatencyHistogram.Recorder();

    FunctionLane(FunctionRoute route, RoutingPolicy policy) {
        this.key = route.key();
        this.route = route;
        this.policy = policy;
    }

    /** The policy's choice among the routable pods, or {@link RoutingPolicy#HOLD}. */
    int choose(Instant now) {
        return policy.choose(pods, now);
    }

    /** Takes the held request to send next, in the order the routing policy asks for. */
    Call takeHeld(long nowMillis) {
        boolean newestFirst = policy.heldOrder().newestFirst(waitedMs(held.peekFirst(), nowMillis),
                waitedMs(held.peekLast(), nowMillis), route.spec().sloP99Ms());
        return newestFirst ? held.pollLast() : held.pollFirst();
    }

    private static double waitedMs(Call call, long nowMillis) {
        return nowMillis - call.arrivedMillis;
    }

    void arrived(long nowNanos) {
        account(nowNanos);
        arrivals++;
        inSystem++;
    }

    /** @param tookNanos from the request's arrival to its answer */
    void finished(long nowNanos, long tookNanos) {
        account(nowNanos);
        latency.record(tookNanos / 1e6);
        completions++;
        inSystem--;
    }

    boolean idle() {
        return inSystem == 0;
    }

    private void account(long nowNanos) {
        concurrencyNanos += (double) inSystem * (nowNanos - lastChangeNanos);
        lastChangeNanos = nowNanos;
    }

    /** The counts since the last call, and the pods' last reports. */
    Stats takeStats(long nowNanos) {
        account(nowNanos);
        List<PodHeaderState> reports = new ArrayList<>(pods.size());
        for (PodTable.Pod pod : pods.routablePods()) {
            reports.add(pod.report);
        }
        Stats stats = new Stats(arrivals, completions, concurrencyNanos / 1e9, held.size(), inFlight, reports, latency.take(),
                removed);
        arrivals = 0;
        completions = 0;
        concurrencyNanos = 0;
        return stats;
    }
}
