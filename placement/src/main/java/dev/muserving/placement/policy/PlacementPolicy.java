package dev.muserving.placement.policy;

import dev.muserving.api.ClusterSnapshot;
import dev.muserving.api.FunctionDemand;
import java.time.Instant;
import java.util.List;

/**
 * Turns every function's desired replicas into pods on nodes. Called after each autoscaler tick with
 * the whole cluster, since fairness and fragmentation are cluster-wide questions. It may keep state
 * between calls (a scheduling queue).
 */
public interface PlacementPolicy {

    PlacementPlan plan(ClusterSnapshot cluster, List<FunctionDemand> demands, Instant now);
}
