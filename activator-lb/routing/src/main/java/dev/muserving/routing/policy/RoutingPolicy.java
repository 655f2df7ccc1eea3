package dev.muserving.routing.policy;

import java.time.Instant;

/**
 * Chooses the pod for a request. One instance serves one function in one balancer, so it may keep
 * state (a round-robin position, a bandit's estimates).
 */
public interface RoutingPolicy {

    /** Returned when no pod should take the request now: the balancer holds it until one can. */
    int HOLD = -1;

    /** The index in {@code pods} of the chosen pod, or {@link #HOLD}. */
    int choose(PodSet pods, Instant now);

    /**
     * How many of the {@code balancers} serve the function now, given its ready pods: requests go to
     * the first that many. The default is all of them; Knative sizes it per revision.
     */
    default int balancersServing(int readyPods, int balancers) {
        return balancers;
    }

    /** The order in which the balancer sends the requests it holds for the function. */
    default HeldOrder heldOrder() {
        return HeldOrder.OLDEST_FIRST;
    }

    /** Tells the policy a response came back; for learning policies. The default ignores it. */
    default void onResponse(PodSet pods, int pod, double latencyMs, Instant now) {}
}
