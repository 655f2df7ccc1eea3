package dev.muserving.bench.scenario;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.NodeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The simulated cluster.
 *
 * @param loadBalancers activator-lb replicas; each learns pod state only from its own responses
 * @param podStartup time from binding a pod to its readiness (the cold start)
 * @param balancerQueueLimit requests one balancer holds per function before it answers 503
 *     (Knative's activator breaker queue depth)
 * @param requestTimeoutSeconds a request still waiting after this long is answered 504 (Knative's
 *     default revision timeout)
 */
public record ClusterModel(
        List<NodeGroup> nodeGroups,
        LatencyDistribution podStartup,
        int loadBalancers,
        int balancerQueueLimit,
        double requestTimeoutSeconds) {

    public static final int DEFAULT_LOAD_BALANCERS = 2;
    public static final int DEFAULT_BALANCER_QUEUE_LIMIT = 10_000;
    public static final double DEFAULT_REQUEST_TIMEOUT_SECONDS = 300;

    public ClusterModel {
        nodeGroups = List.copyOf(nodeGroups);
    }

    /** Every node, named {@code <arch>-<n>} in the order of the groups. */
    /** Whether some node could hold a pod of the function: one that no node holds gets no pod at all. */
    public boolean couldHold(FunctionSpec function) {
        return nodes().stream().anyMatch(node -> node.couldHold(function));
    }

    public List<NodeInfo> nodes() {
        List<NodeInfo> nodes = new ArrayList<>();
        int[] perArch = new int[Arch.values().length];
        for (NodeGroup group : nodeGroups) {
            for (int i = 0; i < group.count(); i++) {
                int n = perArch[group.arch().ordinal()]++;
                nodes.add(new NodeInfo(group.arch().label() + "-" + n, group.arch(), group.cpuMillis(), group.memoryMiB()));
            }
        }
        return nodes;
    }
}
