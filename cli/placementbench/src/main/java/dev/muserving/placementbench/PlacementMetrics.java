package dev.muserving.placementbench;

import dev.muserving.api.Arch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one scheduler did with the workload, measured the same way for both (docs/placement.md
 * defines each figure).
 *
 * @param podsPerSecond pods bound over the time from the scheduler's start to the last binding (every pod
 *     exists before the scheduler starts)
 * @param firstBindMs from the scheduler's start to its first binding: its own start-up
 * @param bindingPodsPerSecond pods bound over the time from the first binding to the last: the rate
 *     once it runs
 * @param bindP99Ms the 99th percentile of the time from the scheduler's start to a pod's binding, as the
 *     bench saw both (the scheduler's own start-up included)
 * @param cpuAllocated the CPU requested by the bound pods over the cluster's
 * @param jain Jain's index over the functions' satisfaction (bound ÷ requested) each divided by its
 *     weighted max-min fair satisfaction ({@link FairShare}, from the workload alone): 1 when every
 *     function got its fair share, lower when some got more and others less
 * @param minOfFair the worst-served function's satisfaction over its fair one
 * @param minSatisfaction the worst-served function's bound ÷ requested, weights not applied
 * @param fragmentation the share of the CPU left free that a median pod cannot use (on nodes where it
 *     no longer fits)
 * @param wrongArch pods bound to a node of an architecture they do not allow (must be 0)
 * @param boundByFunction pods bound per function (the workload's functions are in the JSON beside it)
 */
record PlacementMetrics(String scheduler, int pods, int bound, double seconds, double podsPerSecond, double firstBindMs,
        double bindingPodsPerSecond, double bindP50Ms, double bindP99Ms,
        double cpuAllocated, double jain, double minOfFair, double minSatisfaction, double fragmentation, int wrongArch, Map<String, Integer> byArch,
        Map<String, Integer> boundByFunction) {

    /** One pod's fate: where it went (null if nowhere) and when, in the bench's clock. */
    record Binding(String group, String node, long createdNanos, long boundNanos) {}

    static PlacementMetrics of(String scheduler, PlacementWorkload workload, Map<String, Binding> pods) {
        Map<String, PlacementWorkload.NodeShape> nodes = new HashMap<>();
        workload.nodes().forEach(n -> nodes.put(n.name(), n));
        Map<String, PlacementWorkload.Group> groups = new HashMap<>();
        workload.groups().forEach(g -> groups.put(g.name(), g));

        long first = pods.values().stream().mapToLong(Binding::createdNanos).min().orElse(0);
        long last = pods.values().stream().filter(b -> b.node() != null).mapToLong(Binding::boundNanos).max().orElse(first);
        long firstBind = pods.values().stream().filter(b -> b.node() != null).mapToLong(Binding::boundNanos).min().orElse(first);
        List<Double> latencies = new ArrayList<>();
        Map<String, Integer> boundByGroup = new HashMap<>();
        Map<String, long[]> used = new HashMap<>();
        Map<String, Integer> byArch = new TreeMap<>();
        int wrongArch = 0;
        for (Binding b : pods.values()) {
            if (b.node() == null) {
                continue;
            }
            latencies.add((b.boundNanos() - b.createdNanos()) / 1e6);
            boundByGroup.merge(b.group(), 1, Integer::sum);
            PlacementWorkload.Group group = groups.get(b.group());
            PlacementWorkload.NodeShape node = nodes.get(b.node());
            if (node == null) {
                continue;
            }
            long[] sum = used.computeIfAbsent(b.node(), n -> new long[2]);
            sum[0] += group.cpuMillis();
            sum[1] += group.memoryMiB();
            byArch.merge(node.arch().label(), 1, Integer::sum);
            if (!group.architectures().contains(node.arch())) {
                wrongArch++;
            }
        }
        Collections.sort(latencies);
        int bound = latencies.size();
        double seconds = (last - first) / 1e9;

        Map<String, Double> fair = FairShare.of(workload);
        double sum = 0;
        double sumSquares = 0;
        double minOfFair = Double.POSITIVE_INFINITY;
        double minSatisfaction = Double.POSITIVE_INFINITY;
        for (PlacementWorkload.Group g : workload.groups()) {
            double satisfaction = g.replicas() == 0 ? 1 : boundByGroup.getOrDefault(g.name(), 0) / (double) g.replicas();
            double ofFair = satisfaction / fair.get(g.name());
            sum += ofFair;
            sumSquares += ofFair * ofFair;
            minOfFair = Math.min(minOfFair, ofFair);
            minSatisfaction = Math.min(minSatisfaction, satisfaction);
        }
        double jain = sumSquares == 0 ? 1 : sum * sum / (workload.groups().size() * sumSquares);

        int[] median = medianPod(workload);
        long free = 0;
        long unusable = 0;
        long capacity = 0;
        long allocated = 0;
        for (PlacementWorkload.NodeShape node : workload.nodes()) {
            long[] u = used.getOrDefault(node.name(), new long[2]);
            capacity += node.cpuMillis();
            allocated += u[0];
            long freeCpu = Math.max(0, node.cpuMillis() - u[0]);
            long freeMemory = Math.max(0, node.memoryMiB() - u[1]);
            free += freeCpu;
            if (freeCpu < median[0] || freeMemory < median[1]) {
                unusable += freeCpu;
            }
        }
        for (Arch arch : Arch.values()) {
            byArch.putIfAbsent(arch.label(), 0);
        }
        double binding = (last - firstBind) / 1e9;
        return new PlacementMetrics(scheduler, pods.size(), bound, round(seconds), round(seconds > 0 ? bound / seconds : 0),
                round((firstBind - first) / 1e6), round(binding > 0 ? (bound - 1) / binding : 0),
                round(percentile(latencies, 0.5)), round(percentile(latencies, 0.99)),
                round3(capacity == 0 ? 0 : allocated / (double) capacity), round3(jain), round3(Double.isInfinite(minOfFair) ? 0 : minOfFair), round3(Double.isInfinite(minSatisfaction) ? 0 : minSatisfaction),
                round3(free == 0 ? 0 : unusable / (double) free), wrongArch, byArch, new TreeMap<>(boundByGroup));
    }

    private static int[] medianPod(PlacementWorkload workload) {
        List<int[]> sizes = new ArrayList<>();
        for (PlacementWorkload.Group g : workload.groups()) {
            for (int i = 0; i < g.replicas(); i++) {
                sizes.add(new int[] {g.cpuMillis(), g.memoryMiB()});
            }
        }
        sizes.sort((a, b) -> Integer.compare(a[0], b[0]));
        return sizes.isEmpty() ? new int[] {0, 0} : sizes.get(sizes.size() / 2);
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
