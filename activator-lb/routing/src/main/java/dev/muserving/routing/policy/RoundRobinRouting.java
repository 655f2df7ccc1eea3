package dev.muserving.routing.policy;

import dev.muserving.api.FunctionSpec;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Plain round robin over every ready pod, blind to load and capacity: what an nginx upstream does
 * by default. A reference point for the load-balancer benchmark, not a policy to run.
 */
public final class RoundRobinRouting implements RoutingPolicy {

    private int next;

    public RoundRobinRouting(FunctionSpec function, BalancerPosition position, RandomGenerator random) {
        // Each balancer starts at its own offset, so that several do not hit the same pod in step.
        this.next = position.index();
    }

    @Override
    public int choose(PodSet pods, Instant now) {
        int n = pods.size();
        if (n == 0) {
            return HOLD;
        }
        int choice = Math.floorMod(next, n);
        next = choice + 1;
        return choice;
    }
}
