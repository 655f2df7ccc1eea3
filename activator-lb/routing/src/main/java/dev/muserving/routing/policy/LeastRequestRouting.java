package dev.muserving.routing.policy;

import dev.muserving.api.FunctionSpec;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * The pod with the fewest requests this balancer has in flight, ties broken in turn: HAProxy's
 * {@code leastconn}. Blind to other balancers and to the pods' speed; a reference point for the
 * load-balancer benchmark.
 */
public final class LeastRequestRouting implements RoutingPolicy {

    private int start;

    public LeastRequestRouting(FunctionSpec function, BalancerPosition position, RandomGenerator random) {
        this.start = position.index();
    }

    @Override
    public int choose(PodSet pods, Instant now) {
        int n = pods.size();
        if (n == 0) {
            return HOLD;
        }
        int first = Math.floorMod(start, n);
        int best = first;
        for (int step = 1; step < n; step++) {
            int i = (first + step) % n;
            if (pods.inFlight(i) < pods.inFlight(best)) {
                best = i;
            }
        }
        start = best + 1;
        return best;
    }
}
