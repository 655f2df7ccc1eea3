package dev.muserving.placement.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What placement decided: pods to start (bound to a node), pods to stop, and how many wanted pods
 * found no room.
 *
 * @param unplaced per function, replicas wanted but not placed (Kubernetes' Pending pods)
 */
public record PlacementPlan(List<PodStart> starts, List<String> stops, Map<String, Integer> unplaced) {

    public PlacementPlan {
        starts = List.copyOf(starts);
        stops = List.copyOf(stops);
        unplaced = Map.copyOf(unplaced);
    }

    /** One new pod of {@code function}, bound to {@code node}. */
    public record PodStart(String function, String node) {
        public PodStart {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(node, "node");
        }
    }
}
