package dev.muserving.placement.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.ClusterSnapshot;
import dev.muserving.api.FunctionDemand;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.NodeInfo;
import dev.muserving.api.PodPhase;
import dev.muserving.api.PodPlacement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KubeSchedulerPlacementTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static final NodeInfo AMD_BIG = new NodeInfo("amd-big", Arch.AMD64, 8000, 16384);
    private static final NodeInfo AMD_SMALL = new NodeInfo("amd-small", Arch.AMD64, 2000, 4096);
    private static final NodeInfo ARM = new NodeInfo("arm", Arch.ARM64, 4000, 8192);

    private final KubeSchedulerPlacement placement = new KubeSchedulerPlacement(new SplittableRandom(3));

    private static FunctionSpec fn(String name, int cpu, int mem, Arch... archs) {
        return new FunctionSpec(name, 4, cpu, mem, EnumSet.of(archs[0], archs), 100, 1, 0, 0);
    }

    private static FunctionDemand want(FunctionSpec fn, int replicas) {
        return new FunctionDemand(fn, replicas, Map.of());
    }

    private static PodPlacement pod(String name, FunctionSpec fn, NodeInfo node, PodPhase phase, int createdSecond) {
        Instant created = T0.plusSeconds(createdSecond);
        return new PodPlacement(name, fn.name(), node.name(), node.arch(), phase, created,
                phase == PodPhase.READY ? created.plusSeconds(5) : null);
    }

    @Test
    void bindsToTheEmptiestFeasibleNode() {
        FunctionSpec a = fn("a", 1000, 1024, Arch.AMD64, Arch.ARM64);
        PlacementPlan plan = placement.plan(
                new ClusterSnapshot(List.of(AMD_SMALL, AMD_BIG, ARM), List.of()), List.of(want(a, 1)), T0);
        assertThat(plan.starts()).containsExactly(new PlacementPlan.PodStart("a", "amd-big"));
    }

    @Test
    void theDefaultTopologySpreadOutweighsTheResourceScoresForAFunctionsSecondPodOnABigNode() {
        NodeInfo large = new NodeInfo("large", Arch.AMD64, 16000, 32768);
        NodeInfo small = new NodeInfo("small", Arch.AMD64, 4000, 8192);
        FunctionSpec a = fn("a", 500, 256, Arch.AMD64);
        FunctionSpec other = fn("other", 500, 256, Arch.AMD64);
        // resources alone: large 93 + 96 = 189 against small 91 + 95 = 186; spread: raw
        // round(2 ln 4 + 2) = 5 on large and 2 on small, normalised 40 and 100, weight 2
        List<PodPlacement> onLarge = List.of(pod("a-1", a, large, PodPhase.READY, 0), pod("a-2", a, large, PodPhase.READY, 0),
                pod("other-1", other, large, PodPhase.READY, 0));
        assertThat(placement.plan(new ClusterSnapshot(List.of(large, small), onLarge), List.of(want(a, 3), want(other, 1)), T0)
                .starts()).containsExactly(new PlacementPlan.PodStart("a", "small"));
        // another function's pods do not count: with only "other" there, large wins on resources
        List<PodPlacement> otherOnLarge = List.of(pod("other-1", other, large, PodPhase.READY, 0));
        assertThat(placement.plan(new ClusterSnapshot(List.of(large, small), otherOnLarge), List.of(want(a, 1), want(other, 1)), T0)
                .starts()).containsExactly(new PlacementPlan.PodStart("a", "large"));
        // terminating pods do not count either
        List<PodPlacement> leaving = List.of(pod("a-1", a, large, PodPhase.TERMINATING, 0), pod("other-1", other, large, PodPhase.READY, 0));
        assertThat(placement.plan(new ClusterSnapshot(List.of(large, small), leaving), List.of(want(a, 1), want(other, 1)), T0)
                .starts()).containsExactly(new PlacementPlan.PodStart("a", "large"));
    }

    @Test
    void topologySpreadScoresAsUpstreamNormalisesThem() {
        assertThat(KubeSchedulerScoring.topologySpread(new int[] {2, 0})).containsExactly(40, 100);
        assertThat(KubeSchedulerScoring.topologySpread(new int[] {0, 0, 0})).containsExactly(100, 100, 100);
        // ln(5) = 1.609: raw 2, 4 (1.6 + 2 = 3.6), 7 (3 × 1.6 + 2 = 6.8); normalised 100 × (9 − raw) / 7
        assertThat(KubeSchedulerScoring.topologySpread(new int[] {0, 1, 3})).containsExactly(100, 71, 28);
    }

    @Test
    void filtersOnArchitectureAndFreeResources() {
        FunctionSpec armOnly = fn("arm-only", 1000, 1024, Arch.ARM64);
        FunctionSpec huge = fn("huge", 3000, 1024, Arch.AMD64);
        ClusterSnapshot cluster = new ClusterSnapshot(List.of(AMD_SMALL, AMD_BIG, ARM), List.of());

        PlacementPlan plan = placement.plan(cluster, List.of(want(armOnly, 2), want(huge, 3)), T0);

        assertThat(plan.starts()).filteredOn(s -> s.function().equals("arm-only"))
                .extracting(PlacementPlan.PodStart::node).containsOnly("arm");
        assertThat(plan.starts()).filteredOn(s -> s.function().equals("huge"))
                .extracting(PlacementPlan.PodStart::node).containsExactly("amd-big", "amd-big");
        assertThat(plan.unplaced()).containsEntry("huge", 1);
    }

    @Test
    void aPendingPodIsPlacedOnceRoomFreesAndKeepsItsPlaceInTheQueue() {
        FunctionSpec first = fn("first", 2000, 1024, Arch.AMD64);
        FunctionSpec second = fn("second", 2000, 1024, Arch.AMD64);
        List<PodPlacement> pods = new ArrayList<>();
        pods.add(pod("blocker", first, AMD_SMALL, PodPhase.READY, 0));
        ClusterSnapshot full = new ClusterSnapshot(List.of(AMD_SMALL), pods);

        PlacementPlan none = placement.plan(full, List.of(want(first, 2), want(second, 1)), T0);
        assertThat(none.starts()).isEmpty();
        assertThat(none.unplaced()).containsEntry("first", 1).containsEntry("second", 1);

        ClusterSnapshot freed = new ClusterSnapshot(List.of(AMD_SMALL), List.of());
        PlacementPlan plan = placement.plan(freed, List.of(want(first, 1), want(second, 1)), T0.plusSeconds(2));
        assertThat(plan.starts()).as("first's pending pod was queued before second's")
                .containsExactly(new PlacementPlan.PodStart("first", "amd-small"));
        assertThat(plan.unplaced()).containsOnly(Map.entry("second", 1));
    }

    @Test
    void scaleDownRemovesPendingThenStartingThenNewestReadyPods() {
        FunctionSpec a = fn("a", 1000, 1024, Arch.AMD64, Arch.ARM64);
        List<PodPlacement> pods = List.of(
                pod("old-ready", a, AMD_BIG, PodPhase.READY, 0),
                pod("new-ready", a, ARM, PodPhase.READY, 10),
                pod("starting", a, AMD_SMALL, PodPhase.STARTING, 20));
        ClusterSnapshot cluster = new ClusterSnapshot(List.of(AMD_BIG, AMD_SMALL, ARM), pods);

        assertThat(placement.plan(cluster, List.of(want(a, 2)), T0).stops()).containsExactly("starting");
        assertThat(placement.plan(cluster, List.of(want(a, 1)), T0).stops()).containsExactly("starting", "new-ready");
    }

    @Test
    void scaleDownFirstDropsPendingPods() {
        FunctionSpec a = fn("a", 2000, 1024, Arch.AMD64);
        ClusterSnapshot cluster = new ClusterSnapshot(List.of(AMD_SMALL),
                List.of(pod("running", a, AMD_SMALL, PodPhase.READY, 0)));
        assertThat(placement.plan(cluster, List.of(want(a, 3)), T0).unplaced()).containsEntry("a", 2);

        PlacementPlan plan = placement.plan(cluster, List.of(want(a, 1)), T0);
        assertThat(plan.stops()).isEmpty();
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void equalScoresAreBrokenAtRandomButReproduciblyPerSeed() {
        List<NodeInfo> twins = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            twins.add(new NodeInfo("twin-" + i, Arch.AMD64, 4000, 8192));
        }
        FunctionSpec a = fn("a", 100, 128, Arch.AMD64);
        String first = chosenNodes(new KubeSchedulerPlacement(new SplittableRandom(11)), twins, a);
        String again = chosenNodes(new KubeSchedulerPlacement(new SplittableRandom(11)), twins, a);
        assertThat(first).isEqualTo(again);
        assertThat(first.split(",")).as("one pod per empty twin: spreading").doesNotHaveDuplicates();
        List<String> firstChoices = new ArrayList<>();
        for (int seed = 0; seed < 20; seed++) {
            firstChoices.add(chosenNodes(new KubeSchedulerPlacement(new SplittableRandom(seed)), twins, a).split(",")[0]);
        }
        assertThat(firstChoices.stream().distinct().count()).isGreaterThan(2);
    }

    /** Places six pods one call at a time, as the snapshot fills up. */
    private static String chosenNodes(KubeSchedulerPlacement policy, List<NodeInfo> nodes, FunctionSpec fn) {
        List<PodPlacement> pods = new ArrayList<>();
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            PlacementPlan plan = policy.plan(new ClusterSnapshot(nodes, pods), List.of(want(fn, i + 1)), T0);
            String node = plan.starts().get(0).node();
            chosen.add(node);
            NodeInfo info = nodes.stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow();
            pods.add(pod("p" + i, fn, info, PodPhase.READY, i));
        }
        return chosen.stream().collect(Collectors.joining(","));
    }
}
