package dev.muserving.placement.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What placement decided: pods to start (bound to a node), pods to stop, and how many wanted pods
 * found no room.
 *
 * @param unplaced per function, replicas wanted but not placed (Kubernetes' Pending pods)
 * @param promised pods that start on their node once the pods stopped to make room for them are
 *     gone: not started yet, but a Deployment should hold a pending pod for each, or the room would
 *     be freed for a function with nothing to put there
 */
public record PlacementPlan(List<PodStart> starts, List<String> stops, Map<String, Integer> unplaced, List<PodStart> promised) {

    public PlacementPlan {
        starts = List.copyOf(starts);
        stops = List.copyOf(stops);
        unplaced = Map.copyOf(unplaced);
        promised = List.copyOf(promised);
    }

    /** A plan that promises nothing: every pod it places starts now. */
    public PlacementPlan(List<PodStart> starts, List<String> stops, Map<String, Integer> unplaced) {
        this(starts, stops, unplaced, List.of());
    }

    /** One new pod of {@code function}, bound to {@code node}. */
    public record PodStart(String function, String node) {
        public PodStart {
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(node, "node");
        }
    }
}
