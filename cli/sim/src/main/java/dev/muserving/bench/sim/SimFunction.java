package dev.muserving.bench.sim;

import dev.muserving.api.Arch;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.routing.policy.RoutingPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** A function's state during a run: its pods, its balancer queues, its policies and its sums. */
final class SimFunction {

    final int index;
    final FunctionModel model;
    final double sloSeconds;
    final ArrivalProcess arrivals;
    final RandomGenerator sizeRandom;
    final RandomGenerator balancerRandom;
    final LatencyDistribution[] serviceMs = new LatencyDistribution[Arch.values().length];
    final RoutingPolicy[] routing;
    final BalancerPodView[] views;
    final IntFifo[] balancerQueues;
    /** Whether a balancer has a retry of its held requests pending. */
    final boolean[] retryScheduled;
    final List<SimPod> ready = new ArrayList<>();
    final List<SimPod> active = new ArrayList<>();
    final FunctionStats stats = new FunctionStats();

    int desired;
    int required;
    int unplaced;
    int podSequence;
    final int[] podsAliveByArch = new int[Arch.values().length];

    // Time-averaged concurrency over the current metric interval (Knative's scaling metric).
    int inSystem;
    private double concurrencyArea;
    private double concurrencySince;
    long intervalArrivals;
    long intervalCompletions;

    private double accountedUntil;

    private final DemandModel demand;
    private final OfferedLoad offeredLoad;
    /** Σ speed of the ready pods; its integral since the last demand sample. */
    private double readyCapacity;
    private double capacityArea;
    private double demandSampledUntil;

    /** @param seed the scenario's seed, from which the function's arrival, size and balancer streams derive ({@link Seeds}) */
    SimFunction(int index, FunctionModel model, long seed, RoutingPolicy[] routing) {
        this.index = index;
        this.model = model;
        this.sloSeconds = model.spec().sloP99Ms() / 1000;
        this.arrivals = Seeds.arrivals(seed, index, model.arrival());
        this.sizeRandom = Seeds.sizes(seed, index);
        this.balancerRandom = Seeds.stream(seed, Seeds.BALANCERS, index, 0);
        model.serviceTimeMs().forEach((arch, d) -> serviceMs[arch.ordinal()] = d);
        this.demand = DemandModel.of(model);
        this.offeredLoad = demand.offeredLoad();
        this.routing = routing;
        this.views = new BalancerPodView[routing.length];
        this.balancerQueues = new IntFifo[routing.length];
        this.retryScheduled = new boolean[routing.length];
        for (int lb = 0; lb < routing.length; lb++) {
            views[lb] = new BalancerPodView(ready, lb);
            balancerQueues[lb] = new IntFifo();
        }
    }

    String name() {
        return model.name();
    }

    void changeInSystem(double now, int delta) {
        concurrencyArea += inSystem * (now - concurrencySince);
        concurrencySince = now;
        inSystem += delta;
    }

    /** The interval's time-averaged concurrency; starts the next interval. */
    double takeAverageConcurrency(double now, double interval) {
        changeInSystem(now, 0);
        double average = concurrencyArea / interval;
        concurrencyArea = 0;
        return average;
    }

    int buffered() {
        int total = 0;
        for (IntFifo queue : balancerQueues) {
            total += queue.size();
        }
        return total;
    }

    int readyCount() {
        return ready.size();
    }

    int startingCount() {
        return active.size() - ready.size();
    }

    /**
     * Adds pod-seconds and satisfaction up to {@code now} (never past the end of the run); call
     * before anything they depend on changes.
     */
    void account(double now, double end) {
        double until = Math.min(now, end);
        double dt = until - accountedUntil;
        if (dt <= 0) {
            return;
        }
        for (int a = 0; a < podsAliveByArch.length; a++) {
            stats.podSecondsByArch[a] += podsAliveByArch[a] * dt;
        }
        stats.desiredSeconds += desired * dt;
        stats.satisfiedSeconds += Math.min(active.size(), desired) * dt;
        capacityArea += readyCapacity * dt;
        accountedUntil = until;
    }

    /**
     * Closes a demand sample at {@code now}: the arrivals since the last one as demand, against the
     * ready pods' speed-weighted capacity averaged over the same span. Call before the arrivals are counted afresh.
     */
    void sampleDemand(double now, double end, long arrivals) {
        account(now, end);
        double until = Math.min(now, end);
        double span = until - demandSampledUntil;
        if (span <= 0) {
            return;
        }
        stats.recordDemand(offeredLoad.sample(demandSampledUntil, until, arrivals), capacityArea / span, span);
        capacityArea = 0;
        demandSampledUntil = until;
    }

    /** A pod became ready; {@link #account} must have run up to now. */
    void addReady(SimPod pod) {
        pod.readyIndex = ready.size();
        ready.add(pod);
        readyCapacity += demand.speed(pod.arch);
    }

    void removeReady(SimPod pod) {
        if (pod.readyIndex < 0) {
            return;
        }
        ready.remove(pod.readyIndex);
        readyCapacity -= demand.speed(pod.arch);
        for (int i = pod.readyIndex; i < ready.size(); i++) {
            ready.get(i).readyIndex = i;
        }
        pod.readyIndex = -1;
    }
}
