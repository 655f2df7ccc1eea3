package dev.muserving.placement.policy;

/**
 * kube-scheduler's default resource scores, integer arithmetic as upstream
 * (pkg/scheduler/framework/plugins/noderesources): NodeResourcesFit with the LeastAllocated strategy
 * and NodeResourcesBalancedAllocation, CPU and memory with weight 1 each, each score 0..100.
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

    /** The two plugins' scores summed, as the default profile weights them equally. */
    static long score(long cpuCapacity, long cpuRequested, long memCapacity, long memRequested) {
        return leastAllocated(cpuCapacity, cpuRequested, memCapacity, memRequested)
                + balancedAllocation(cpuCapacity, cpuRequested, memCapacity, memRequested);
    }
}
