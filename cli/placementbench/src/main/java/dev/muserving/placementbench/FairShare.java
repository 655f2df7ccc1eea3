package dev.muserving.placementbench;

import dev.muserving.api.Arch;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference every scheduler's fairness is scored against: each function's weighted max-min fair
 * satisfaction (bound ÷ requested pods) for the workload's demand on the cluster's CPU, computed from
 * the workload alone, so it means the same for every scheduler.
 *
 * <p>Progressive filling: every function's satisfaction rises as weight × level, capped at 1, until
 * some set of architectures is full; the functions that can run only there stop rising, the rest go
 * on. A set S of architectures is full when the CPU of the functions allowed only within S reaches
 * S's capacity (with two kinds of machine, these Hall conditions are exactly what a fluid assignment
 * needs). The reference is fluid: pods are whole, so a real scheduler can be a little off it either
 * way.
 */
final class FairShare {

    private static final double EPSILON = 1e-9;

    private FairShare() {}

    /** Each function's fair satisfaction, in (0, 1]. */
    static Map<String, Double> of(PlacementWorkload workload) {
        Map<Arch, Long> capacity = new HashMap<>();
        workload.nodes().forEach(n -> capacity.merge(n.arch(), (long) n.cpuMillis(), Long::sum));
        List<Set<Arch>> sets = subsets();
        List<PlacementWorkload.Group> rising = new ArrayList<>(workload.groups().stream().filter(g -> g.replicas() > 0).toList());
        Map<String, Double> fixed = new HashMap<>();
        workload.groups().stream().filter(g -> g.replicas() == 0).forEach(g -> fixed.put(g.name(), 1.0));
        double level = 0;
        while (!rising.isEmpty()) {
            double maxLevel = rising.stream().mapToDouble(g -> 1 / g.weight()).max().orElse(0);
            double low = level;
            double high = maxLevel;
            if (fits(workload, rising, fixed, high, sets, capacity)) {
                low = high;
            } else {
                for (int i = 0; i < 100; i++) {
                    double mid = (low + high) / 2;
                    if (fits(workload, rising, fixed, mid, sets, capacity)) {
                        low = mid;
                    } else {
                        high = mid;
                    }
                }
            }
            level = low;
            List<Set<Arch>> full = new ArrayList<>();
            for (Set<Arch> set : sets) {
                if (slack(workload, rising, fixed, level, set, capacity) <= EPSILON * Math.max(1, capacityOf(set, capacity))) {
                    full.add(set);
                }
            }
            double at = level;
            List<PlacementWorkload.Group> stopped = rising.stream()
                    .filter(g -> g.weight() * at >= 1 - EPSILON || full.stream().anyMatch(s -> s.containsAll(g.architectures())))
                    .toList();
            if (stopped.isEmpty()) {
                break; // cannot happen: the level stopped at a full set or at everyone's demand
            }
            stopped.forEach(g -> fixed.put(g.name(), Math.min(1, g.weight() * at)));
            rising.removeAll(stopped);
        }
        return fixed;
    }

    private static boolean fits(PlacementWorkload workload, List<PlacementWorkload.Group> rising, Map<String, Double> fixed, double level,
            List<Set<Arch>> sets, Map<Arch, Long> capacity) {
        return sets.stream().allMatch(set -> slack(workload, rising, fixed, level, set, capacity) >= -EPSILON * Math.max(1, capacityOf(set, capacity)));
    }

    /** The set's CPU left over when every function confined to it has its satisfaction. */
    private static double slack(PlacementWorkload workload, List<PlacementWorkload.Group> rising, Map<String, Double> fixed, double level,
            Set<Arch> set, Map<Arch, Long> capacity) {
        double used = 0;
        for (PlacementWorkload.Group g : workload.groups()) {
            if (set.containsAll(g.architectures())) {
                double satisfaction = rising.contains(g) ? Math.min(1, g.weight() * level) : fixed.getOrDefault(g.name(), 0.0);
                used += satisfaction * g.replicas() * (double) g.cpuMillis();
            }
        }
        return capacityOf(set, capacity) - used;
    }

    private static double capacityOf(Set<Arch> set, Map<Arch, Long> capacity) {
        return set.stream().mapToLong(a -> capacity.getOrDefault(a, 0L)).sum();
    }

    private static List<Set<Arch>> subsets() {
        Arch[] archs = Arch.values();
        List<Set<Arch>> sets = new ArrayList<>();
        for (int mask = 1; mask < 1 << archs.length; mask++) {
            Set<Arch> set = EnumSet.noneOf(Arch.class);
            for (int i = 0; i < archs.length; i++) {
                if ((mask & 1 << i) != 0) {
                    set.add(archs[i]);
                }
            }
            sets.add(set);
        }
        return sets;
    }
}
