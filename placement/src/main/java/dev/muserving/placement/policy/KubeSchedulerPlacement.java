package dev.muserving.placement.policy;

import dev.muserving.api.ClusterSnapshot;
import dev.muserving.api.FunctionDemand;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.NodeInfo;
import dev.muserving.api.PodPlacement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.random.RandomGenerator;

/**
 * The placement baseline: a Deployment's ReplicaSet plus kube-scheduler's default profile. Missing
 * replicas become pending pods in one cluster-wide FIFO queue (creation order, as the scheduling
 * queue orders pods of equal priority); each is bound to the feasible node (free CPU and memory,
 * allowed architecture) with the highest LeastAllocated + BalancedAllocation + 2 × PodTopologySpread
 * score ({@link KubeSchedulerScoring}), ties broken at random; a pod that fits nowhere stays pending and is tried again next time. Surplus replicas are
 * removed pending ones first, then in the ReplicaSet controller's order.
 */
public final class KubeSchedulerPlacement implements PlacementPolicy {

    private final RandomGenerator random;
    private final Deque<String> pending = new ArrayDeque<>();
    private final Map<String, Integer> pendingCount = new HashMap<>();

    public KubeSchedulerPlacement(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public PlacementPlan plan(ClusterSnapshot cluster, List<FunctionDemand> demands, Instant now) {
        Map<String, FunctionSpec> functions = new LinkedHashMap<>();
        demands.forEach(d -> functions.put(d.function().name(), d.function()));
        pending.removeIf(fn -> !functions.containsKey(fn));
        pendingCount.keySet().retainAll(functions.keySet());

        Map<String, List<PodPlacement>> activeByFunction = cluster.pods().stream()
                .filter(PodPlacement::isActive)
                .collect(Collectors.groupingBy(PodPlacement::function));
        List<String> stops = new ArrayList<>();
        for (FunctionDemand demand : demands) {
            reconcileReplicaCount(activeByFunction.getOrDefault(demand.function().name(), List.of()), demand, stops);
        }
        Map<String, long[]> allocated = cluster.allocatedByNode(functions);
        List<NodeInfo> nodes = cluster.nodes();
        Map<String, int[]> podsByNode = podsByNode(cluster);
        Scratch scratch = new Scratch(nodes.size());
        List<PlacementPlan.PodStart> starts = new ArrayList<>();
        // Nodes only fill up during one plan, so a function that found no node finds none later in it.
        Set<String> fitsNowhere = new HashSet<>();
        long waitingFunctions = pendingCount.values().stream().filter(c -> c > 0).count();
        for (Iterator<String> it = pending.iterator(); it.hasNext() && fitsNowhere.size() < waitingFunctions; ) {
            String fn = it.next();
            int[] spread = podsByNode.computeIfAbsent(fn, f -> new int[nodes.size()]);
            int best = fitsNowhere.contains(fn) ? -1 : bestNode(nodes, allocated, spread, functions.get(fn), scratch);
            NodeInfo node = best < 0 ? null : nodes.get(best);
            if (node == null) {
                fitsNowhere.add(fn);
                continue;
            }
            long[] used = allocated.get(node.name());
            used[0] += functions.get(fn).cpuMillis();
            used[1] += functions.get(fn).memoryMiB();
            spread[best]++;
            starts.add(new PlacementPlan.PodStart(fn, node.name()));
            it.remove();
            pendingCount.merge(fn, -1, Integer::sum);
        }
        Map<String, Integer> unplaced = new HashMap<>();
        pendingCount.forEach((fn, count) -> {
            if (count > 0) {
                unplaced.put(fn, count);
            }
        });
        return new PlacementPlan(starts, stops, unplaced);
    }

    /** The ReplicaSet's part: create pending pods for missing replicas, delete surplus ones. */
    private void reconcileReplicaCount(List<PodPlacement> active, FunctionDemand demand, List<String> stops) {
        String fn = demand.function().name();
        int queued = pendingCount.getOrDefault(fn, 0);
        int missing = demand.desiredReplicas() - active.size() - queued;
        if (missing >= 0) {
            for (int i = 0; i < missing; i++) {
                pending.addLast(fn);
            }
            pendingCount.put(fn, queued + missing);
            return;
        }
        int surplus = -missing;
        int unqueue = Math.min(surplus, queued);
        removeNewestPending(fn, unqueue);
        pendingCount.put(fn, queued - unqueue);
        if (surplus > unqueue) {
            ReplicaSetDownscaleOrder.sort(active).stream().limit(surplus - unqueue).forEach(p -> stops.add(p.pod()));
        }
    }

    private void removeNewestPending(String fn, int count) {
        int removed = 0;
        for (Iterator<String> it = pending.descendingIterator(); removed < count && it.hasNext(); ) {
            if (it.next().equals(fn)) {
                it.remove();
                removed++;
            }
        }
    }

    /** Each function's pods per node (by the node's position) that count for topology spreading: bound, not terminating. */
    private static Map<String, int[]> podsByNode(ClusterSnapshot cluster) {
        Map<String, Integer> position = new HashMap<>();
        for (int n = 0; n < cluster.nodes().size(); n++) {
            position.put(cluster.nodes().get(n).name(), n);
        }
        Map<String, int[]> counts = new HashMap<>();
        for (PodPlacement pod : cluster.pods()) {
            Integer n = position.get(pod.node());
            if (pod.isActive() && n != null) {
                counts.computeIfAbsent(pod.function(), f -> new int[cluster.nodes().size()])[n]++;
            }
        }
        return counts;
    }

    /** Per-node working arrays of one plan, reused for every pod. */
    private record Scratch(int[] feasible, long[] resourceScores, int[] matching, long[] spreadScores) {
        Scratch(int nodes) {
            this(new int[nodes], new long[nodes], new int[nodes], new long[nodes]);
        }
    }

    /** The position of the feasible node with the highest score, or -1. */
    private int bestNode(List<NodeInfo> nodes, Map<String, long[]> allocated, int[] spread, FunctionSpec fn, Scratch scratch) {
        int count = 0;
        for (int n = 0; n < nodes.size(); n++) {
            NodeInfo node = nodes.get(n);
            long[] used = allocated.get(node.name());
            long cpu = used[0] + fn.cpuMillis();
            long mem = used[1] + fn.memoryMiB();
            if (fn.runsOn(node.arch()) && cpu <= node.cpuMillis() && mem <= node.memoryMiB()) {
                scratch.feasible[count] = n;
                scratch.resourceScores[count] = KubeSchedulerScoring.score(node.cpuMillis(), cpu, node.memoryMiB(), mem);
                scratch.matching[count] = spread[n];
                count++;
            }
        }
        KubeSchedulerScoring.topologySpread(scratch.matching, count, scratch.spreadScores);
        int best = -1;
        long bestScore = Long.MIN_VALUE;
        int ties = 0;
        for (int i = 0; i < count; i++) {
            long score = scratch.resourceScores[i] + KubeSchedulerScoring.TOPOLOGY_SPREAD_WEIGHT * scratch.spreadScores[i];
            if (score > bestScore) {
                best = scratch.feasible[i];
                bestScore = score;
                ties = 1;
            } else if (score == bestScore && random.nextInt(++ties) == 0) {
                best = scratch.feasible[i]; // reservoir sampling over equal scores, as selectHost does
            }
        }
        return best;
    }
}
