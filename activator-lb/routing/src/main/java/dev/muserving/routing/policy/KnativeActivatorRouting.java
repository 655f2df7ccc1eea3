package dev.muserving.routing.policy;

import dev.muserving.api.FunctionSpec;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Knative's activator load balancing (pkg/activator/net/throttler.go, lb_policy.go), the routing
 * baseline:
 * <ul>
 *   <li>containerConcurrency 0 (unlimited): random choice of two, the one with fewer in-flight wins;
 *   <li>1 to 3: the first pod, in order, with a free slot;
 *   <li>above 3: round robin over the pods with a free slot.
 * </ul>
 * With several activators, each one takes a subset of the pods when there are at least as many pods
 * as activators, and otherwise shares every pod with a slice of its capacity (at least one slot), as
 * Knative's pod subsetting does. When no pod has a free slot the request waits in the activator.
 */
public final class KnativeActivatorRouting implements RoutingPolicy {

    /** The containerConcurrency up to which Knative uses first-available instead of round robin. */
    static final int FIRST_AVAILABLE_MAX_CONCURRENCY = 3;

    private final int containerConcurrency;
    private final BalancerPosition position;
    private final RandomGenerator random;
    private int nextRoundRobin;

    public KnativeActivatorRouting(FunctionSpec function, BalancerPosition position, RandomGenerator random) {
        this.containerConcurrency = function.containerConcurrency();
        this.position = position;
        this.random = random;
    }

    @Override
    public int choose(PodSet pods, Instant now) {
        if (pods.size() == 0) {
            return HOLD;
        }
        if (containerConcurrency == 0) {
            return randomChoiceOfTwo(pods);
        }
        if (containerConcurrency <= FIRST_AVAILABLE_MAX_CONCURRENCY) {
            return firstAvailable(pods);
        }
        return roundRobin(pods);
    }

    private int randomChoiceOfTwo(PodSet pods) {
        int n = pods.size();
        if (n == 1) {
            return 0;
        }
        int first = random.nextInt(n);
        int second = random.nextInt(n - 1);
        if (second >= first) {
            second++;
        }
        return pods.inFlight(second) < pods.inFlight(first) ? second : first;
    }

    private int firstAvailable(PodSet pods) {
        int slots = slotsPerPod(pods.size());
        for (int i = 0; i < pods.size(); i++) {
            if (isMine(i, pods.size()) && pods.inFlight(i) < slots) {
                return i;
            }
        }
        return HOLD;
    }

    private int roundRobin(PodSet pods) {
        int n = pods.size();
        int slots = slotsPerPod(n);
        for (int step = 0; step < n; step++) {
            int i = (nextRoundRobin + step) % n;
            if (isMine(i, n) && pods.inFlight(i) < slots) {
                nextRoundRobin = (i + 1) % n;
                return i;
            }
        }
        return HOLD;
    }

    /** Pod subsetting: with enough pods, each activator owns every count-th pod. */
    private boolean isMine(int pod, int podCount) {
        return podCount < position.count() || pod % position.count() == position.index();
    }

    private int slotsPerPod(int podCount) {
        if (podCount >= position.count()) {
            return containerConcurrency;
        }
        return Math.max(1, containerConcurrency / position.count());
    }
}
