package dev.muserving.bench.sim;

/**
 * Told, after every autoscaling tick, what each function was decided and what it got: the
 * simulator's account of why a system did what it did ({@code mu bench --trace}).
 */
@FunctionalInterface
public interface DecisionListener {

    DecisionListener NONE = decision -> {};

    void decided(Decision decision);

    /**
     * One function at one tick: the autoscaler's decision, then the pods after placement.
     *
     * @param arm64Pods pods (starting and ready) on arm64 nodes; the rest of {@code pods} are on amd64
     * @param unplacedPods pods wanted that placement found no room for
     * @param requestsInSystem requests held in the balancers or being served
     */
    record Decision(String system, double second, String function, int desiredReplicas, int requiredReplicas,
            int pods, int arm64Pods, int readyPods, int unplacedPods, int requestsInSystem, String reason) {}
}
