package dev.muserving.bench.sim;

import dev.muserving.api.Arch;
import dev.muserving.api.ClusterSnapshot;
import dev.muserving.api.FunctionDemand;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.NodeInfo;
import dev.muserving.api.PodHeaderState;
import dev.muserving.api.PodMetrics;
import dev.muserving.api.PodPhase;
import dev.muserving.api.PodPlacement;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import dev.muserving.autoscaler.loop.ScalingLoop;
import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.placement.policy.PlacementPlan;
import dev.muserving.placement.policy.PlacementPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The simulated controller: feeds metric snapshots to the autoscalers through the same
 * {@link ScalingLoop} as {@code mu local} and the controller, asks it for replicas every tick,
 * hands every function's demand to placement and carries out its plan (pods bound, started after a
 * cold start, drained and removed). The same adapter work the operator does on Kubernetes.
 */
final class ControlPlane {

    private final Simulator sim;
    private final ScalingLoop scaling;
    private final PlacementPolicy placement;
    private final RandomGenerator startupRandom;
    private final LatencyDistribution startupSeconds;
    private final List<NodeInfo> nodes;
    private final Map<String, NodeInfo> nodesByName = new HashMap<>();
    private final Map<String, SimFunction> functionsByName = new LinkedHashMap<>();
    private final Map<String, SimPod> podsByName = new HashMap<>();
    private final List<SimPod> slots = new ArrayList<>();
    private final Deque<Integer> freeSlots = new ArrayDeque<>();
    private final Map<String, MetricSnapshot> inTransit = new HashMap<>();

    ControlPlane(Simulator sim, AutoscalingPolicyFactory autoscaling, PlacementPolicy placement, RandomGenerator startupRandom) {
        this.sim = sim;
        this.placement = placement;
        this.startupRandom = startupRandom;
        this.startupSeconds = sim.scenario.cluster().podStartup();
        this.nodes = sim.scenario.cluster().nodes();
        nodes.forEach(n -> nodesByName.put(n.name(), n));
        for (SimFunction fn : sim.functions) {
            functionsByName.put(fn.name(), fn);
        }
        this.scaling = new ScalingLoop(autoscaling, name -> Optional.ofNullable(functionsByName.get(name)).map(fn -> fn.model.spec()),
                name -> {
                    SimFunction fn = functionsByName.get(name);
                    ReplicaCounts.StartupTimes startup = new ReplicaCounts.StartupTimes();
                    for (SimPod pod : fn.ready) {
                        startup.add(sim.instant(pod.createdAt), sim.instant(pod.readyAt));
                    }
                    return new ReplicaCounts(fn.readyCount(), fn.startingCount(), fn.unplaced, startup.mean());
                },
                (function, decision, at) -> { }); // decisions come back from tick and demand
    }

    /**
     * A metric interval's snapshot, for the function's autoscaler: it arrives one interval later,
     * as Knative's once-a-second scrape and Mu's once-a-second stream deliver it. A request that
     * finds no ready pod is reported at once instead ({@link #scaleFromZero}).
     */
    void record(MetricSnapshot snapshot) {
        MetricSnapshot due = inTransit.put(snapshot.function(), snapshot);
        if (due != null) {
            scaling.record(due);
        }
    }

    SimPod pod(int slot) {
        return slots.get(slot);
    }

    /** The pods each function has when the run begins: already running, as if deployed earlier. */
    void startInitialPods() {
        for (SimFunction fn : sim.functions) {
            fn.desired = scaling.initialReplicas(fn.name());
            fn.required = fn.desired;
        }
        applyPlacement(0, true);
    }

    void tick(double now) {
        for (SimFunction fn : sim.functions) {
            fn.account(now, sim.end);
        }
        Map<String, ScalingDecision> decisions = scaling.tick(sim.instant(now));
        for (SimFunction fn : sim.functions) {
            follow(fn, decisions.get(fn.name()));
        }
        applyPlacement(now, false);
        if (sim.decisions != DecisionListener.NONE) { // a record per function and tick only for --trace
            for (SimFunction fn : sim.functions) {
                sim.decisions.decided(new DecisionListener.Decision(sim.systemName, now, fn.name(), fn.desired, fn.required,
                        fn.active.size(), (int) fn.active.stream().filter(pod -> pod.arch == Arch.ARM64).count(),
                        fn.ready.size(), fn.unplaced, fn.inSystem, decisions.get(fn.name()).reason()));
            }
        }
    }

    /**
     * A request found no pod at all: the balancer pokes the autoscaler at once instead of waiting
     * for the next tick, and asks for at least one pod (Knative's activation scale).
     */
    void scaleFromZero(SimFunction fn, double now) {
        fn.account(now, sim.end);
        follow(fn, scaling.demand(fn.name(), sim.instant(now)).orElseThrow());
        applyPlacement(now, false);
    }

    private static void follow(SimFunction fn, ScalingDecision decision) {
        fn.desired = decision.desiredReplicas();
        fn.required = decision.requiredReplicas();
    }

    private void applyPlacement(double now, boolean warm) {
        List<PodPlacement> placements = new ArrayList<>();
        for (SimPod pod : slots) {
            if (pod != null) {
                placements.add(new PodPlacement(pod.name, pod.function.name(), pod.node, pod.arch, pod.phase,
                        sim.instant(pod.createdAt), pod.phase == PodPhase.STARTING ? null : sim.instant(pod.readyAt)));
            }
        }
        List<FunctionDemand> demands = new ArrayList<>();
        for (SimFunction fn : sim.functions) {
            // the rates now, not the last snapshot's: placement also runs between snapshots (scale from zero)
            demands.add(new FunctionDemand(fn.model.spec(), fn.desired, fn.required, PodMetrics.meanServiceRates(podMetrics(fn))));
        }
        PlacementPlan plan = placement.plan(new ClusterSnapshot(nodes, placements), demands, sim.instant(now));
        for (String name : plan.stops()) {
            SimPod pod = podsByName.get(name);
            if (pod != null) {
                stop(pod, now);
            }
        }
        for (PlacementPlan.PodStart start : plan.starts()) {
            SimFunction fn = functionsByName.get(start.function());
            NodeInfo node = nodesByName.get(start.node());
            if (fn == null || node == null) {
                throw new IllegalStateException("placement bound a pod of " + start.function() + " to " + start.node()
                        + ", which the cluster does not have");
            }
            start(fn, node, now, warm);
        }
        for (SimFunction fn : sim.functions) {
            fn.unplaced = plan.unplaced().getOrDefault(fn.name(), 0);
        }
    }

    private void start(SimFunction fn, NodeInfo node, double now, boolean warm) {
        fn.account(now, sim.end);
        int slot = freeSlots.isEmpty() ? slots.size() : freeSlots.pop();
        String name = fn.name() + "-" + node.arch().label() + "-" + fn.podSequence++;
        SimPod pod = new SimPod(slot, name, fn, node.name(), node.arch(), now, sim.balancers);
        if (slot == slots.size()) {
            slots.add(pod);
        } else {
            slots.set(slot, pod);
        }
        podsByName.put(name, pod);
        fn.active.add(pod);
        fn.podsAliveByArch[node.arch().ordinal()]++;
        if (warm) {
            pod.phase = PodPhase.READY;
            pod.readyAt = now;
            fn.addReady(pod);
        } else {
            fn.stats.podStarts++;
            pod.readyAt = now + startupSeconds.at(startupRandom.nextGaussian());
            sim.events.push(pod.readyAt, Simulator.POD_READY, slot);
        }
    }

    void podReady(int slot, double now) {
        SimPod pod = slot < slots.size() ? slots.get(slot) : null;
        if (pod == null || pod.phase != PodPhase.STARTING || pod.readyAt != now) {
            return; // stopped before it was ready; the slot may hold another pod now
        }
        pod.phase = PodPhase.READY;
        pod.function.account(now, sim.end);
        pod.function.addReady(pod);
        for (int lb = 0; lb < sim.balancers; lb++) {
            sim.drainBalancer(pod.function, lb);
        }
    }

    private void stop(SimPod pod, double now) {
        SimFunction fn = pod.function;
        fn.account(now, sim.end);
        fn.active.remove(pod);
        if (pod.phase == PodPhase.STARTING) {
            release(pod, now);
            return;
        }
        fn.removeReady(pod);
        pod.phase = PodPhase.TERMINATING;
        if (pod.inPod() == 0) {
            release(pod, now);
        }
    }

    /** A pod finished its last request; a terminating one can go. */
    void podIdle(SimPod pod, double now) {
        if (pod.phase == PodPhase.TERMINATING) {
            release(pod, now);
        }
    }

    private void release(SimPod pod, double now) {
        pod.function.account(now, sim.end);
        pod.function.podsAliveByArch[pod.arch.ordinal()]--;
        slots.set(pod.slot, null);
        freeSlots.push(pod.slot);
        podsByName.remove(pod.name);
    }

    MetricSnapshot snapshot(SimFunction fn, double now, double interval) {
        MetricSnapshot snapshot = new MetricSnapshot(fn.name(), sim.instant(now), Duration.ofMillis(Math.round(interval * 1000)),
                fn.intervalArrivals, fn.intervalCompletions, fn.takeAverageConcurrency(now, interval), fn.buffered(), podMetrics(fn));
        fn.intervalArrivals = 0;
        fn.intervalCompletions = 0;
        return snapshot;
    }

    /** The function's ready pods as the balancers last heard from them, now. */
    private static List<PodMetrics> podMetrics(SimFunction fn) {
        List<PodMetrics> pods = new ArrayList<>(fn.ready.size());
        for (SimPod pod : fn.ready) {
            PodHeaderState report = pod.freshestReport();
            pods.add(new PodMetrics(pod.name, pod.arch, report.queueLength(), report.serviceRate()));
        }
        return pods;
    }
}
