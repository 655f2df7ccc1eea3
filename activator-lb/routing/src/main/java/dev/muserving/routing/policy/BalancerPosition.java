package dev.muserving.routing.policy;

/** Which of the load-balancer replicas a policy runs in; some policies split pods among replicas. */
public record BalancerPosition(int index, int count) {

    public static final BalancerPosition SINGLE = new BalancerPosition(0, 1);

    public BalancerPosition {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("balancer " + index + " of " + count + " does not exist");
        }
    }
}
