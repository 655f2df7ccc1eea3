package dev.muserving.placement.policy;

/**
 * kube-scheduler's default profile's scores that differ between nodes here, arithmetic as upstream
 * (pkg/scheduler/framework/plugins): NodeResourcesFit with the LeastAllocated strategy and
 * NodeResourcesBalancedAllocation (CPU and memory, weight 1 each) and PodTopologySpread's system
 * default constraints (weight 2). Each plugin's score is 0..100. The others in the default profile
 * score every node alike here: ImageLocality 0 (no image sizes are known), NodeAffinity and
 * InterPodAffinity 0 (only required affinity, which filters), TaintToleration the maximum (no taints).
 */
final class KubeSchedulerScoring {

    static final long MAX_NODE_SCORE = 100;

    private KubeSchedulerScoring() {}

    /** Prefers the emptiest node: the mean over resources of free share after placing the pod. */
    static long leastAllocated(long cpuCapacity, long cpuRequested, long memCapacity, long memRequested) {
        long cpu = (cpuCapacity - cpuRequested) * MAX_NODE_SCORE / cpuCapacity;
        long mem = (memCapacity - memRequested) * MAX_NODE_SCORE / memCapacity;
        return (cpu + mem) / 2;
    }

    /** Prefers nodes whose CPU and memory shares stay close: (1 - standard deviation) x 100. */
    static long balancedAllocation(long cpuCapacity, long cpuRequested, long memCapacity, long memRequested) {
        double cpuShare = Math.min(1, (double) cpuRequested / cpuCapacity);
        double memShare = Math.min(1, (double) memRequested / memCapacity);
        double std = Math.abs(cpuShare - memShare) / 2;
        return (long) ((1 - std) * MAX_NODE_SCORE);
    }

    /** The two resource plugins' scores summed, as the default profile weights them equally. */
    static long score(long cpuCapacity, long cpuRequested, long memCapacity, long memRequested) {
        return leastAllocated(cpuCapacity, cpuRequested, memCapacity, memRequested)
                + balancedAllocation(cpuCapacity, cpuRequested, memCapacity, memRequested);
    }

    /** PodTopologySpread's weight in the default profile. */
    static final long TOPOLOGY_SPREAD_WEIGHT = 2;
    /** The system default hostname constraint's maxSkew (ScheduleAnyway: scoring only). */
    static final int HOSTNAME_MAX_SKEW = 3;

    /**
     * PodTopologySpread's normalised scores for the feasible nodes, given how many of the function's
     * pods (not terminating) each holds. Only the system default hostname constraint applies: the
     * zone one (maxSkew 5) has no zone labels to count, and nodes without a key are skipped for it.
     * Raw score: round(count × ln(feasible nodes + 2) + maxSkew − 1); normalised: 100 × (max + min −
     * raw) ÷ max, so the node with the fewest of the function's pods scores highest.
     */
    static long[] topologySpread(int[] matchingPods) {
        long[] scores = new long[matchingPods.length];
        topologySpread(matchingPods, matchingPods.length, scores);
        return scores;
    }

    /** The same for the first {@code n} nodes, into {@code scores}: the scheduling loop allocates nothing per pod. */
    static void topologySpread(int[] matchingPods, int n, long[] scores) {
        double weight = Math.log(n + 2.0);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < n; i++) {
            scores[i] = Math.round(matchingPods[i] * weight + (HOSTNAME_MAX_SKEW - 1));
            min = Math.min(min, scores[i]);
            max = Math.max(max, scores[i]);
        }
        for (int i = 0; i < n; i++) {
            scores[i] = max == 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE * (max + min - scores[i]) / max;
        }
    }
}
