package dev.muserving.autoscaler.loop;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import dev.muserving.autoscaler.policy.AutoscalingPolicy;
import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The autoscaler's side of the metric stream: one policy per function, fed every snapshot the
 * balancers publish, asked for a decision every tick and at once when a request waits for a function
 * with no pod. The host supplies the functions' specs, their replica counts and where decisions go,
 * and calls {@link #tick} on its own timer (every 2 s, Knative's tick), so the loop itself never
 * reads a clock. Thread-safe: snapshots and ticks may come from different threads.
 */
public final class ScalingLoop {

    /** Where decisions go: the placement step in `mu local` and the controller, a gauge elsewhere. */
    @FunctionalInterface
    public interface ScaleTarget {
        void scale(String function, ScalingDecision decision, Instant at);
    }

    private final AutoscalingPolicyFactory policies;
    private final Function<String, Optional<FunctionSpec>> specs;
    private final Function<String, ReplicaCounts> replicas;
    private final ScaleTarget target;
    private final Map<String, AutoscalingPolicy> byFunction = new LinkedHashMap<>();
    private final Map<String, ScalingDecision> last = new LinkedHashMap<>();
    private final Map<String, Map<Arch, Double>> serviceRates = new LinkedHashMap<>();
    private long snapshots;
    private long unknownFunctionSnapshots;

    /**
     * @param specs the function of a snapshot's name, empty for a function the host does not know
     *     (its snapshots are counted and dropped)
     * @param replicas the function's pods by phase when it is decided
     */
    public ScalingLoop(AutoscalingPolicyFactory policies, Function<String, Optional<FunctionSpec>> specs,
            Function<String, ReplicaCounts> replicas, ScaleTarget target) {
        this.policies = Objects.requireNonNull(policies);
        this.specs = Objects.requireNonNull(specs);
        this.replicas = Objects.requireNonNull(replicas);
        this.target = Objects.requireNonNull(target);
    }

    public synchronized void record(MetricSnapshot snapshot) {
        AutoscalingPolicy policy = policy(snapshot.function());
        if (policy == null) {
            unknownFunctionSnapshots++;
            return;
        }
        snapshots++;
        policy.record(snapshot);
        serviceRates.put(snapshot.function(), PodMetrics.meanServiceRates(snapshot.pods()));
    }

    /**
     * The replicas a function starts with, from its policy (made now if it is new): what a host
     * deploys before any snapshot or tick. Zero for a function the host does not know.
     */
    public synchronized int initialReplicas(String function) {
        AutoscalingPolicy policy = policy(function);
        return policy == null ? 0 : policy.initialReplicas();
    }

    /**
     * The function's service rate per busy pod by architecture, from its latest snapshot (what
     * placement weighs architectures by); empty before its first snapshot with a measured pod.
     */
    public synchronized Map<Arch, Double> serviceRates(String function) {
        return serviceRates.getOrDefault(function, Map.of());
    }

    /** Every function's decision at {@code now}, each handed to the target. */
    public synchronized Map<String, ScalingDecision> tick(Instant now) {
        Map<String, ScalingDecision> decisions = new LinkedHashMap<>();
        for (String function : byFunction.keySet()) {
            decisions.put(function, decide(function, now, false));
        }
        return decisions;
    }

    /**
     * A request waits for a function that has no ready pod: decide now, and ask for at least one
     * pod (Knative's activation scale), rather than wait for the next tick.
     */
    public synchronized Optional<ScalingDecision> demand(String function, Instant now) {
        AutoscalingPolicy policy = policy(function);
        if (policy == null) {
            return Optional.empty();
        }
        policy.recordActivation(now);
        return Optional.of(decide(function, now, true));
    }

    private ScalingDecision decide(String function, Instant now, boolean requestWaiting) {
        ScalingDecision decision = byFunction.get(function).decide(replicas.apply(function), now);
        if (requestWaiting && decision.desiredReplicas() == 0) {
            decision = new ScalingDecision(1, 1, "a request is waiting and no pod is ready → 1");
        }
        last.put(function, decision);
        target.scale(function, decision, now);
        return decision;
    }

    private AutoscalingPolicy policy(String function) {
        AutoscalingPolicy policy = byFunction.get(function);
        if (policy == null) {
            Optional<FunctionSpec> spec = specs.apply(function);
            if (spec.isEmpty()) {
                return null;
            }
            policy = policies.create(spec.get());
            byFunction.put(function, policy);
        }
        return policy;
    }

    /** Forgets a function that is gone (its next snapshot, if any, starts it afresh). */
    public synchronized void forget(String function) {
        byFunction.remove(function);
        last.remove(function);
        serviceRates.remove(function);
    }

    public synchronized Optional<ScalingDecision> lastDecision(String function) {
        return Optional.ofNullable(last.get(function));
    }

    public synchronized long snapshotsRecorded() {
        return snapshots;
    }

    public synchronized long snapshotsOfUnknownFunctions() {
        return unknownFunctionSnapshots;
    }
}
