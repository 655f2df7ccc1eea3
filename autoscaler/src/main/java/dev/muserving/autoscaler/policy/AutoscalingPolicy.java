package dev.muserving.autoscaler.policy;

import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import java.time.Instant;

/**
 * Decides one function's replica count. One instance per function (as Knative makes one autoscaler
 * per revision): it keeps its windows and forecasts between calls. It never reads a clock; the
 * caller passes the time, so the same policy runs in virtual time in the simulator.
 */
public interface AutoscalingPolicy {

    /** Replicas the function starts with when it is created. */
    int initialReplicas();

    /** Takes the balancer's snapshot for one interval (one a second). */
    void record(MetricSnapshot snapshot);

    /**
     * A request arrived while the function had no ready pod, and the balancer reports it at once
     * instead of in its next snapshot (Knative's activator does the same), so that the decision
     * taken now, and those until that snapshot arrives, count the waiting request. The snapshot
     * that covers it replaces this report rather than adding to it. The default ignores it.
     */
    default void recordActivation(Instant at) {}

    /** The desired replicas at {@code now}, given the pods the function has. */
    ScalingDecision decide(ReplicaCounts replicas, Instant now);
}
