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
 * With several activators, a revision is served by max(2, ⌈(ready pods × slots + 211) ÷ 100⌉) of them
 * (the KPA's activator count at the default target-burst-capacity and activator capacity), and each
 * of those takes its slice of the pods as Knative's throttler does (assignSlice): with fewer pods than
 * activators, pod (index mod pods) at full concurrency; otherwise an equal run of pods at full
 * concurrency plus the pods left over, shared by every activator at ⌈slots ÷ activators⌉. One pod, or
 * one activator, takes every pod. When no pod has a free slot the request waits in the activator.
 */
public final class KnativeActivatorRouting implements RoutingPolicy {

    /** The containerConcurrency up to which Knative uses first-available instead of round robin. */
    static final int FIRST_AVAILABLE_MAX_CONCURRENCY = 3;
    /** Knative's autoscaler defaults behind the per-revision activator count. */
    static final int MIN_ACTIVATORS = 2;
    static final double TARGET_BURST_CAPACITY = 211;
    static final double ACTIVATOR_CAPACITY = 100;

    private final int containerConcurrency;
    private final int slots;
    private final BalancerPosition position;
    private final RandomGenerator random;
    private int nextRoundRobin;

    public KnativeActivatorRouting(FunctionSpec function, BalancerPosition position, RandomGenerator random) {
        this.containerConcurrency = function.containerConcurrency();
        this.slots = function.slots();
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
        int n = pods.size();
        int activators = balancersServing(n, position.count());
        for (int i = 0; i < n; i++) {
            if (pods.inFlight(i) < slotsFor(i, n, activators)) {
                return i;
            }
        }
        return HOLD;
    }

    private int roundRobin(PodSet pods) {
        int n = pods.size();
        int activators = balancersServing(n, position.count());
        for (int step = 0; step < n; step++) {
            int i = (nextRoundRobin + step) % n;
            if (pods.inFlight(i) < slotsFor(i, n, activators)) {
                nextRoundRobin = (i + 1) % n;
                return i;
            }
        }
        return HOLD;
    }

    /**
     * The KPA's activator count for the revision (computeNumActivators), at most the balancers there
     * are: requests for it go to the first that many.
     */
    @Override
    public int balancersServing(int readyPods, int balancers) {
        double needed = Math.ceil((readyPods * (double) slots + TARGET_BURST_CAPACITY) / ACTIVATOR_CAPACITY);
        return (int) Math.min(balancers, Math.max(MIN_ACTIVATORS, needed));
    }

    /**
     * This activator's slots on pod {@code pod} of {@code n} (0: not its pod), as Knative's
     * assignSlice and pickIndices split the pods among {@code activators}. An activator beyond the
     * revision's count is unassigned and, as upstream, keeps every pod.
     */
    int slotsFor(int pod, int n, int activators) {
        int self = position.index();
        if (n <= 1 || activators == 1 || self >= activators) {
            return containerConcurrency;
        }
        if (activators > n) {
            return pod == self % n ? containerConcurrency : 0;
        }
        int slice = n / activators;
        int remnants = n % activators;
        if (pod >= self * slice && pod < (self + 1) * slice) {
            return containerConcurrency;
        }
        return pod >= n - remnants ? (containerConcurrency + activators - 1) / activators : 0;
    }
}
