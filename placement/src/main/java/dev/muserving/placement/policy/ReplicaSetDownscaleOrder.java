package dev.muserving.placement.policy;

import dev.muserving.api.PodPhase;
import dev.muserving.api.PodPlacement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The order in which Kubernetes' ReplicaSet controller deletes pods on scale-down
 * (controller.ActivePodsWithRanks, simplified to what the simulator models): pods not ready yet first,
 * then pods on nodes crowded with replicas of the same function, then the most recently ready, then
 * the newest.
 */
final class ReplicaSetDownscaleOrder {

    private ReplicaSetDownscaleOrder() {}

    /** {@code pods} (one function's active pods) sorted with the first to delete first. */
    static List<PodPlacement> sort(List<PodPlacement> pods) {
        Map<String, Long> podsPerNode = pods.stream()
                .collect(Collectors.groupingBy(PodPlacement::node, Collectors.counting()));
        Comparator<PodPlacement> notReadyFirst = Comparator.comparing(p -> p.phase() == PodPhase.READY);
        Comparator<PodPlacement> crowdedNodeFirst =
                Comparator.comparing((PodPlacement p) -> podsPerNode.get(p.node())).reversed();
        Comparator<PodPlacement> newestReadyFirst = Comparator.comparing(
                (PodPlacement p) -> p.readyAt() == null ? Instant.MAX : p.readyAt()).reversed();
        Comparator<PodPlacement> newestFirst =
                Comparator.comparing((Function<PodPlacement, Instant>) PodPlacement::createdAt).reversed();
        return pods.stream()
                .sorted(notReadyFirst
                        .thenComparing(crowdedNodeFirst)
                        .thenComparing(newestReadyFirst)
                        .thenComparing(newestFirst)
                        .thenComparing(PodPlacement::pod))
                .toList();
    }
}
