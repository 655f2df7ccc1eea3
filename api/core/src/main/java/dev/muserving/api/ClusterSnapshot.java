package dev.muserving.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The nodes and every pod bound to them (in any phase), as placement sees them at one moment. */
public record ClusterSnapshot(List<NodeInfo> nodes, List<PodPlacement> pods) {

    public ClusterSnapshot {
        nodes = List.copyOf(nodes);
        pods = List.copyOf(pods);
    }

    /** CPU (millicores) and memory (MiB) held on each node, terminating pods included. */
    public Map<String, long[]> allocatedByNode(Map<String, FunctionSpec> functions) {
        Map<String, long[]> allocated = new HashMap<>();
        for (NodeInfo node : nodes) {
            allocated.put(node.name(), new long[2]);
        }
        for (PodPlacement pod : pods) {
            FunctionSpec fn = functions.get(pod.function());
            long[] used = allocated.get(pod.node());
            if (fn != null && used != null) {
                used[0] += fn.cpuMillis();
                used[1] += fn.memoryMiB();
            }
        }
        return allocated;
    }
}
