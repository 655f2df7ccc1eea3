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
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MuPlacementTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MuPlacement placement = new MuPlacement();

    private static FunctionSpec fn(String name, int cpu, int mem, double weight, Arch... archs) {
        return new FunctionSpec(name, 4, cpu, mem, EnumSet.of(archs[0], archs), 100, weight, 0, 0);
    }

    private static FunctionDemand want(FunctionSpec fn, int replicas, Map<Arch, Double> rates) {
        return new FunctionDemand(fn, replicas, rates);
    }

    private static PodPlacement pod(String name, FunctionSpec fn, NodeInfo node, PodPhase phase, int second) {
        Instant at = T0.plusSeconds(second);
        return new PodPlacement(name, fn.name(), node.name(), node.arch(), phase, at, phase == PodPhase.READY ? at : null);
    }

    /** Ready pods of {@code fn} filling a 4-core node, named fn-0 to fn-3. */
    private static List<PodPlacement> fourReadyPods(FunctionSpec fn, NodeInfo node) {
        List<PodPlacement> pods = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pods.add(pod(fn.name() + "-" + i, fn, node, PodPhase.READY, i));
        }
        return pods;
    }

    private static Map<String, Long> startsByFunction(PlacementPlan plan) {
        return plan.starts().stream().collect(Collectors.groupingBy(PlacementPlan.PodStart::function, Collectors.counting()));
    }

    @Test
    void underContentionEveryFunctionGetsTheSameShareOfWhatItAsked() {
        // Room for 5 one-core pods; A and B want 4, C wants 2: fair share is half of each.
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 5000, 16384);
        FunctionSpec a = fn("a", 1000, 128, 1, Arch.AMD64);
        FunctionSpec b = fn("b", 1000, 128, 1, Arch.AMD64);
        FunctionSpec c = fn("c", 1000, 128, 1, Arch.AMD64);
        List<FunctionDemand> demands = List.of(want(a, 4, Map.of()), want(b, 4, Map.of()), want(c, 2, Map.of()));

        PlacementPlan mu = placement.plan(new ClusterSnapshot(List.of(node), List.of()), demands, T0);
        assertThat(startsByFunction(mu)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2L, "b", 2L, "c", 1L));
        assertThat(mu.unplaced()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 2, "c", 1));

        // The baseline serves whoever asked first.
        PlacementPlan kube = new KubeSchedulerPlacement(new SplittableRandom(1))
                .plan(new ClusterSnapshot(List.of(node), List.of()), demands, T0);
        assertThat(startsByFunction(kube)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 4L, "b", 1L));
    }

    @Test
    void aHeavierFunctionGetsALargerShare() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 6000, 16384);
        FunctionSpec heavy = fn("heavy", 1000, 128, 2, Arch.AMD64);
        FunctionSpec light = fn("light", 1000, 128, 1, Arch.AMD64);
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(node), List.of()),
                List.of(want(heavy, 6, Map.of()), want(light, 6, Map.of())), T0);
        assertThat(startsByFunction(plan)).containsExactlyInAnyOrderEntriesOf(Map.of("heavy", 4L, "light", 2L));
    }

    @Test
    void slowPodsCountForTheirMeasuredSpeed() {
        // arm64 pods serve half as fast: one amd64 pod fits, so two arm64 pods make up the second.
        NodeInfo amd = new NodeInfo("amd", Arch.AMD64, 1000, 4096);
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 8000, 16384);
        FunctionSpec f = fn("f", 1000, 128, 1, Arch.AMD64, Arch.ARM64);
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of()),
                List.of(want(f, 2, Map.of(Arch.AMD64, 20.0, Arch.ARM64, 10.0))), T0);
        assertThat(plan.starts()).extracting(PlacementPlan.PodStart::node).containsExactlyInAnyOrder("amd", "arm", "arm");
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void prefersTheFasterArchitectureWhileItHasRoom() {
        NodeInfo amd = new NodeInfo("amd", Arch.AMD64, 4000, 8192);
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 16000, 32768);
        FunctionSpec f = fn("f", 1000, 128, 1, Arch.AMD64, Arch.ARM64);
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of()),
                List.of(want(f, 3, Map.of(Arch.AMD64, 20.0, Arch.ARM64, 12.0))), T0);
        assertThat(plan.starts()).extracting(PlacementPlan.PodStart::node).containsOnly("amd");
    }

    @Test
    void aFlexibleFunctionLeavesTheArchitectureOthersAreConfinedTo() {
        // 4 CPUs of each; "both" may run anywhere and wants 4, "amdOnly" wants 4 on amd64. Rates
        // unknown, so the architectures tie in value: "both" must take arm64, or amdOnly gets half.
        NodeInfo amd = new NodeInfo("amd", Arch.AMD64, 4000, 8192);
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 4000, 8192);
        FunctionSpec both = fn("both", 1000, 128, 1, Arch.AMD64, Arch.ARM64);
        FunctionSpec amdOnly = fn("amdOnly", 1000, 128, 1, Arch.AMD64);
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of()),
                List.of(want(both, 4, Map.of()), want(amdOnly, 4, Map.of())), T0);
        assertThat(plan.starts()).filteredOn(s -> s.function().equals("both")).extracting(PlacementPlan.PodStart::node).containsOnly("arm");
        assertThat(startsByFunction(plan)).containsExactlyInAnyOrderEntriesOf(Map.of("both", 4L, "amdOnly", 4L));
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void aFasterArchitectureIsLeftToTheFunctionsConfinedToItWhenTheSlowerHasRoom() {
        // "fast" runs anywhere but is measured faster on amd64; the 4 amd64 CPUs are all "amdOnly"
        // wants. Taking them for speed would leave amdOnly half served while arm64 idles: family4-000's
        // amd64-only ML function had 2 pods against Knative's 3 when the flexible ones took its room.
        NodeInfo amd = new NodeInfo("amd", Arch.AMD64, 4000, 8192);
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 16000, 32768);
        FunctionSpec fast = fn("fast", 1000, 128, 1, Arch.AMD64, Arch.ARM64);
        FunctionSpec amdOnly = fn("amdOnly", 1000, 128, 1, Arch.AMD64);
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of()),
                List.of(want(fast, 3, Map.of(Arch.AMD64, 20.0, Arch.ARM64, 12.0)), want(amdOnly, 4, Map.of(Arch.AMD64, 5.0))), T0);
        assertThat(plan.starts()).filteredOn(s -> s.function().equals("fast")).extracting(PlacementPlan.PodStart::node).containsOnly("arm");
        // three amd64 pods' worth at 0.6 each takes five arm64 pods
        assertThat(startsByFunction(plan)).containsExactlyInAnyOrderEntriesOf(Map.of("fast", 5L, "amdOnly", 4L));
        assertThat(plan.unplaced()).isEmpty();
    }

    @Test
    void bestFitFillsTheTightestNodeFirst() {
        NodeInfo roomy = new NodeInfo("roomy", Arch.AMD64, 8000, 16384);
        NodeInfo tight = new NodeInfo("tight", Arch.AMD64, 8000, 16384);
        FunctionSpec filler = fn("filler", 7000, 128, 1, Arch.AMD64);
        FunctionSpec f = fn("f", 1000, 128, 1, Arch.AMD64);
        List<PodPlacement> pods = List.of(pod("filler-0", filler, tight, PodPhase.READY, 0));
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(roomy, tight), pods),
                List.of(want(filler, 1, Map.of()), want(f, 1, Map.of())), T0);
        assertThat(plan.starts()).containsExactly(new PlacementPlan.PodStart("f", "tight"));
    }

    @Test
    void scaleDownRemovesStartingThenSlowThenPodsOnEmptyNodes() {
        NodeInfo amdBusy = new NodeInfo("amd-busy", Arch.AMD64, 2000, 4096);
        NodeInfo amdEmpty = new NodeInfo("amd-empty", Arch.AMD64, 8000, 16384);
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 8000, 16384);
        FunctionSpec f = fn("f", 1000, 128, 1, Arch.AMD64, Arch.ARM64);
        List<PodPlacement> pods = List.of(
                pod("busy-0", f, amdBusy, PodPhase.READY, 0),
                pod("busy-1", f, amdBusy, PodPhase.READY, 0),
                pod("empty-0", f, amdEmpty, PodPhase.READY, 0),
                pod("arm-0", f, arm, PodPhase.READY, 0),
                pod("starting", f, amdBusy, PodPhase.STARTING, 5));
        ClusterSnapshot cluster = new ClusterSnapshot(List.of(amdBusy, amdEmpty, arm), pods);
        Map<Arch, Double> rates = Map.of(Arch.AMD64, 20.0, Arch.ARM64, 10.0);
        // allocated: 4 amd64 pods (the starting one included) + half an arm64 one = 4.5
        assertThat(placement.plan(cluster, List.of(want(f, 4, rates)), T0).stops()).as("keeps what it wants").isEmpty();
        assertThat(placement.plan(cluster, List.of(want(f, 3, rates)), T0).stops()).containsExactly("starting", "arm-0");
        assertThat(placement.plan(cluster, List.of(want(f, 2, rates)), T0).stops())
                .containsExactly("starting", "arm-0", "empty-0");
    }

    @Test
    void scaleDownFirstGivesBackTheArchitectureAConfinedFunctionIsShortOf() {
        // "both" is faster on amd64, so alone it would give back its arm64 pods; but "amdOnly" wants
        // two more pods on the full amd64 node, so both's amd64 pods go first and that room frees.
        NodeInfo amd = new NodeInfo("amd", Arch.AMD64, 4000, 8192);
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 8000, 16384);
        FunctionSpec both = fn("both", 1000, 128, 1, Arch.AMD64, Arch.ARM64);
        FunctionSpec amdOnly = fn("amdOnly", 1000, 128, 1, Arch.AMD64);
        List<PodPlacement> pods = List.of(
                pod("both-amd-0", both, amd, PodPhase.READY, 0),
                pod("both-amd-1", both, amd, PodPhase.READY, 0),
                pod("both-arm-0", both, arm, PodPhase.READY, 0),
                pod("both-arm-1", both, arm, PodPhase.READY, 0),
                pod("amdOnly-0", amdOnly, amd, PodPhase.READY, 0),
                pod("amdOnly-1", amdOnly, amd, PodPhase.READY, 0));
        ClusterSnapshot cluster = new ClusterSnapshot(List.of(amd, arm), pods);
        Map<Arch, Double> rates = Map.of(Arch.AMD64, 20.0, Arch.ARM64, 10.0);
        // both holds 2 amd64 pods and 2 half-speed arm64 ones, 3 in all, and wants 2
        assertThat(placement.plan(cluster, List.of(want(both, 2, rates), want(amdOnly, 2, Map.of())), T0).stops())
                .as("no confined function short: the slow pods go").containsExactlyInAnyOrder("both-arm-0", "both-arm-1");
        assertThat(placement.plan(cluster, List.of(want(both, 2, rates), want(amdOnly, 4, Map.of())), T0).stops())
                .as("amdOnly short of amd64: both gives that back first").containsExactly("both-amd-0");
    }

    @Test
    void aStarvingFunctionTakesAPodFromTheBestServedOne() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 4000, 8192);
        FunctionSpec greedy = fn("greedy", 1000, 128, 1, Arch.AMD64);
        FunctionSpec late = fn("late", 1000, 128, 1, Arch.AMD64);
        List<PodPlacement> pods = fourReadyPods(greedy, node);
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(node), pods),
                List.of(want(greedy, 4, Map.of()), want(late, 4, Map.of())), T0);
        // neither keeps up with fewer than 4: one pod moves (greedy 3/4, late 1/4); a second would
        // leave them even, within the gap, and is not worth its cold start
        assertThat(plan.stops()).hasSize(1).allMatch(p -> p.startsWith("greedy-"));
        assertThat(plan.starts()).as("placed once the stopped pod has drained").isEmpty();
    }

    @Test
    void aFunctionWantingOnePodAndHoldingNoneGetsOneFromAWellServedFunctionThatCannotSpareIt() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 4000, 8192);
        FunctionSpec busy = fn("busy", 1000, 128, 1, Arch.AMD64);
        FunctionSpec rare = fn("rare", 1000, 128, 1, Arch.AMD64);
        List<PodPlacement> pods = fourReadyPods(busy, node);
        // busy needs all 4 to keep up, so it may give one only by the fairness rule: 3/4 after is
        // ahead of rare (counted at most 0.5 satisfied with its one pod) by more than the gap
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(node), pods),
                List.of(new FunctionDemand(busy, 4, 4, Map.of()), new FunctionDemand(rare, 1, 1, Map.of())), T0);
        assertThat(plan.stops()).hasSize(1).allMatch(p -> p.startsWith("busy-"));

        // busy short of its own wish (4 of 6, 3 of 6 after) is not that far ahead: nothing moves
        PlacementPlan shortPlan = new MuPlacement().plan(new ClusterSnapshot(List.of(node), pods),
                List.of(new FunctionDemand(busy, 6, 6, Map.of()), new FunctionDemand(rare, 1, 1, Map.of())), T0);
        assertThat(shortPlan.stops()).isEmpty();
    }

    @Test
    void roomFreedByPreemptionGoesToTheFunctionItWasTakenFor() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 4000, 8192);
        FunctionSpec greedy = fn("greedy", 1000, 128, 1, Arch.AMD64);
        FunctionSpec late = fn("late", 1000, 128, 1, Arch.AMD64);
        FunctionSpec early = fn("early", 1000, 128, 1, Arch.AMD64);
        List<PodPlacement> pods = fourReadyPods(greedy, node);
        PlacementPlan first = placement.plan(new ClusterSnapshot(List.of(node), pods), List.of(
                new FunctionDemand(greedy, 4, 2, Map.of()), new FunctionDemand(late, 2, 2, Map.of())), T0);
        assertThat(first.stops()).hasSize(2);
        List<PodPlacement> draining = pods.stream().filter(p -> first.stops().contains(p.pod()))
                .map(p -> new PodPlacement(p.pod(), p.function(), p.node(), p.arch(), PodPhase.TERMINATING, p.createdAt(), p.readyAt()))
                .toList();
        List<PodPlacement> left = pods.stream().filter(p -> !first.stops().contains(p.pod())).toList();
        List<PodPlacement> whileDraining = new ArrayList<>(left);
        whileDraining.addAll(draining);
        List<FunctionDemand> demands = List.of(new FunctionDemand(greedy, 4, 2, Map.of()), new FunctionDemand(late, 2, 2, Map.of()),
                new FunctionDemand(early, 2, 2, Map.of()));
        PlacementPlan meanwhile = placement.plan(new ClusterSnapshot(List.of(node), whileDraining), demands, T0.plusSeconds(2));
        assertThat(meanwhile.stops()).as("late is owed two pods and takes no more").isEmpty();
        // the stopped pods are gone: early, first by name at equal satisfaction, would take the room without the reservation
        PlacementPlan after = placement.plan(new ClusterSnapshot(List.of(node), left), demands, T0.plusSeconds(4));
        assertThat(after.starts()).containsExactly(new PlacementPlan.PodStart("late", "n"), new PlacementPlan.PodStart("late", "n"));
    }

    private static List<PodPlacement> eightSmallPods(FunctionSpec small, NodeInfo node) {
        List<PodPlacement> pods = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pods.add(pod("small-" + i, small, node, PodPhase.READY, i));
        }
        return pods;
    }

    @Test
    void aLargeFunctionWithNoPodStopsTheFewestSmallPodsOnOneNodeAndGetsTheirRoomOnceAllAreGone() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 4000, 8192);
        FunctionSpec small = fn("small", 500, 128, 1, Arch.AMD64);
        FunctionSpec large = fn("large", 1500, 1024, 1, Arch.AMD64);
        FunctionSpec other = fn("other", 500, 128, 1, Arch.AMD64);
        List<PodPlacement> pods = eightSmallPods(small, node);
        List<FunctionDemand> demands = List.of(new FunctionDemand(small, 8, 4, Map.of()), new FunctionDemand(large, 1, 1, Map.of()));
        PlacementPlan first = placement.plan(new ClusterSnapshot(List.of(node), pods), demands, T0);
        // no one 500m pod frees 1500m: three do, and small still keeps up with the five left
        assertThat(first.stops()).hasSize(3).allMatch(p -> p.startsWith("small-"));
        assertThat(first.starts()).isEmpty();

        List<PodPlacement> oneGone = new ArrayList<>(pods);
        oneGone.removeIf(p -> p.pod().equals(first.stops().get(0)));
        List<FunctionDemand> withOther = List.of(new FunctionDemand(small, 8, 4, Map.of()), new FunctionDemand(large, 1, 1, Map.of()),
                new FunctionDemand(other, 1, 0, Map.of())); // other wants headroom only: it preempts no one
        PlacementPlan meanwhile = placement.plan(new ClusterSnapshot(List.of(node), oneGone), withOther, T0.plusSeconds(2));
        assertThat(meanwhile.starts()).as("the room freed so far is kept for large").isEmpty();
        assertThat(meanwhile.stops()).as("large is owed its pod and takes no more").isEmpty();

        List<PodPlacement> allGone = new ArrayList<>(pods);
        allGone.removeIf(p -> first.stops().contains(p.pod()));
        PlacementPlan after = placement.plan(new ClusterSnapshot(List.of(node), allGone), withOther, T0.plusSeconds(4));
        assertThat(after.starts()).contains(new PlacementPlan.PodStart("large", "n"));
    }

    @Test
    void aLargeFunctionWithNoPodStopsAsManyQuarterCorePodsAsItsPodNeeds() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 4000, 8192);
        FunctionSpec webhook = fn("webhook", 250, 128, 1, Arch.AMD64, Arch.ARM64);
        FunctionSpec ml = fn("ml", 1500, 1024, 1, Arch.AMD64);
        List<PodPlacement> pods = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            pods.add(pod("webhook-" + i, webhook, node, PodPhase.READY, i));
        }
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(node), pods),
                List.of(new FunctionDemand(webhook, 16, 4, Map.of()), new FunctionDemand(ml, 1, 1, Map.of())), T0);
        // the webhook keeps up with 4 of its 16: six of them make room for the one 1.5-core pod
        assertThat(plan.stops()).hasSize(6).allMatch(p -> p.startsWith("webhook-"));
    }

    @Test
    void noSmallPodStopsForALargeFunctionWhenItsOwnFunctionNeedsThemAll() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 4000, 8192);
        FunctionSpec small = fn("small", 500, 128, 1, Arch.AMD64);
        FunctionSpec large = fn("large", 1500, 1024, 1, Arch.AMD64);
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(node), eightSmallPods(small, node)),
                List.of(new FunctionDemand(small, 8, 8, Map.of()), new FunctionDemand(large, 1, 1, Map.of())), T0);
        // small would keep 5 of the 8 it needs to keep up: less than large's 1 of 1 plus the gap
        assertThat(plan.stops()).isEmpty();
        assertThat(plan.unplaced()).containsEntry("large", 1);
    }

    @Test
    void noPodIsPreemptedForAnotherFunctionsHeadroom() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 4000, 8192);
        FunctionSpec a = fn("a", 1000, 128, 1, Arch.AMD64);
        FunctionSpec b = fn("b", 1000, 128, 1, Arch.AMD64);
        List<PodPlacement> pods = List.of(
                pod("a-0", a, node, PodPhase.READY, 0), pod("a-1", a, node, PodPhase.READY, 0),
                pod("a-2", a, node, PodPhase.READY, 0), pod("b-0", b, node, PodPhase.READY, 0));
        // both keep up with one pod; b is far less satisfied (1 of 4 against 3 of 4) but only headroom is at stake
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(node), pods),
                List.of(new FunctionDemand(a, 4, 1, Map.of()), new FunctionDemand(b, 4, 1, Map.of())), T0);
        assertThat(plan.stops()).isEmpty();
        assertThat(plan.unplaced()).containsEntry("a", 1).containsEntry("b", 3);
    }

    @Test
    void aFunctionThatCannotKeepUpTakesOnlyFromOnesAboveTheirOwnKeepUpShare() {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 4000, 8192);
        FunctionSpec tight = fn("tight", 1000, 128, 1, Arch.AMD64);
        FunctionSpec loose = fn("loose", 1000, 128, 1, Arch.AMD64);
        FunctionSpec late = fn("late", 1000, 128, 1, Arch.AMD64);
        List<PodPlacement> pods = List.of(
                pod("tight-0", tight, node, PodPhase.READY, 0), pod("tight-1", tight, node, PodPhase.READY, 0),
                pod("loose-0", loose, node, PodPhase.READY, 0), pod("loose-1", loose, node, PodPhase.READY, 0));
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(node), pods), List.of(
                new FunctionDemand(tight, 2, 2, Map.of()), new FunctionDemand(loose, 2, 1, Map.of()),
                new FunctionDemand(late, 1, 1, Map.of())), T0);
        assertThat(plan.stops()).as("loose keeps up with one pod, tight needs both").hasSize(1).allMatch(p -> p.startsWith("loose-"));
    }

    @Test
    void aFunctionShortOfItsKeepUpShareByLessThanAQuarterTakesNoRunningPod() {
        // roomy keeps up with one of its pods; short needs four to keep up
        FunctionDemand roomy = new FunctionDemand(fn("roomy", 1000, 128, 1, Arch.AMD64), 8, 1, Map.of());
        FunctionDemand lacking = new FunctionDemand(fn("short", 1000, 128, 1, Arch.AMD64), 4, 4, Map.of());
        PlacementPlan threeOfFour = planOnOneNode(roomy, 5, lacking, 3);
        assertThat(threeOfFour.stops()).as("3 of 4: one more pod is not worth a cold start").isEmpty();
        assertThat(threeOfFour.unplaced()).containsEntry("short", 1);

        PlacementPlan twoOfFour = planOnOneNode(roomy, 6, lacking, 2);
        assertThat(twoOfFour.stops()).as("2 of 4 is far short: roomy gives one, up to 3 of 4").hasSize(1)
                .allMatch(p -> p.startsWith("roomy-"));
    }

    @Test
    void aFunctionFarShortOfKeepingUpTakesAPodFromOneThatStaysFarBetterServedThoughItCannotSpareIt() {
        FunctionSpec holder = fn("holder", 1000, 128, 1, Arch.AMD64);
        // bursty holds 1 of the 4 pods it needs to keep up
        FunctionDemand bursty = new FunctionDemand(fn("bursty", 1000, 128, 1, Arch.AMD64), 4, 4, Map.of());
        PlacementPlan plan = planOnOneNode(new FunctionDemand(holder, 7, 7, Map.of()), 7, bursty, 1);
        // holder needs all 7 to keep up, but 6/7 after is ahead of bursty's 2/4 by more than the gap;
        // a second would leave 5/7 against 3/4
        assertThat(plan.stops()).hasSize(1).allMatch(p -> p.startsWith("holder-"));

        PlacementPlan within = planOnOneNode(new FunctionDemand(holder, 8, 8, Map.of()), 7, bursty, 1);
        assertThat(within.stops()).as("holder short itself: 6/8 after is within the gap of bursty's 2/4").isEmpty();
    }

    /**
     * A fresh placement's plan for one 8-core node holding {@code a} ready pods of the first demand's
     * function and {@code b} of the second's.
     */
    private static PlacementPlan planOnOneNode(FunctionDemand first, int a, FunctionDemand second, int b) {
        NodeInfo node = new NodeInfo("n", Arch.AMD64, 8000, 16384);
        return new MuPlacement().plan(new ClusterSnapshot(List.of(node), podsOf(first.function(), a, second.function(), b, node)),
                List.of(first, second), T0);
    }

    /** {@code a} ready pods of the first function and {@code b} of the second, all on {@code node}. */
    private static List<PodPlacement> podsOf(FunctionSpec first, int a, FunctionSpec second, int b, NodeInfo node) {
        List<PodPlacement> pods = new ArrayList<>();
        for (int i = 0; i < a + b; i++) {
            FunctionSpec fn = i < a ? first : second;
            pods.add(pod(fn.name() + "-" + i, fn, node, PodPhase.READY, i));
        }
        return pods;
    }

    @Test
    void measuredRatesAreRememberedWhenAnArchitectureHasNoPod() {
        NodeInfo amd = new NodeInfo("amd", Arch.AMD64, 1000, 4096);
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 8000, 16384);
        FunctionSpec f = fn("f", 1000, 128, 1, Arch.AMD64, Arch.ARM64);
        placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of()),
                List.of(want(f, 0, Map.of(Arch.AMD64, 20.0, Arch.ARM64, 5.0))), T0);
        PlacementPlan later = placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of()),
                List.of(want(f, 2, Map.of())), T0);
        Map<String, Long> byNode = later.starts().stream()
                .collect(Collectors.groupingBy(PlacementPlan.PodStart::node, Collectors.counting()));
        assertThat(byNode).containsExactlyInAnyOrderEntriesOf(Map.of("amd", 1L, "arm", 4L));
    }

    @Test
    void aRateRememberedFromAnArchitectureTheFunctionDroppedNoLongerMakesItsPodsCountAsSlow() {
        NodeInfo amd = new NodeInfo("amd", Arch.AMD64, 8000, 16384);
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 8000, 16384);
        placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of()),
                List.of(want(fn("f", 1000, 128, 1, Arch.AMD64, Arch.ARM64), 0, Map.of(Arch.AMD64, 20.0, Arch.ARM64, 5.0))), T0);
        PlacementPlan armOnly = placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of()),
                List.of(want(fn("f", 1000, 128, 1, Arch.ARM64), 2, Map.of())), T0);
        assertThat(armOnly.starts()).extracting(PlacementPlan.PodStart::node).containsExactly("arm", "arm");
    }

    @Test
    void slowPodsNeverMakeMoreThanTheFunctionsMaxAndPodsAboveItAreStopped() {
        NodeInfo arm = new NodeInfo("arm", Arch.ARM64, 16000, 16384);
        NodeInfo amd = new NodeInfo("amd", Arch.AMD64, 1000, 4096);
        FunctionSpec capped = new FunctionSpec("f", 4, 1000, 128, EnumSet.of(Arch.AMD64, Arch.ARM64), 100, 1, 0, 3);
        // 3 pods of the fastest architecture's worth would be 12 arm64 pods; max says 3 pods
        PlacementPlan plan = placement.plan(new ClusterSnapshot(List.of(amd, arm), List.of(pod("f-0", capped, amd, PodPhase.READY, 0))),
                List.of(want(capped, 3, Map.of(Arch.AMD64, 20.0, Arch.ARM64, 5.0))), T0);
        assertThat(plan.starts()).hasSize(2);
        assertThat(plan.unplaced()).containsKey("f"); // it asked for more than max lets it have on these nodes: said, not hidden

        List<PodPlacement> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(pod("f-" + i, capped, arm, PodPhase.READY, i));
        }
        PlacementPlan over = placement.plan(new ClusterSnapshot(List.of(amd, arm), five),
                List.of(want(capped, 3, Map.of(Arch.ARM64, 5.0))), T0);
        assertThat(over.stops()).hasSize(2);
        assertThat(over.starts()).isEmpty();
    }

    @Test
    void placesFiftyThousandPodsOnFiveThousandNodes() {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            nodes.add(new NodeInfo("node-" + i, i % 2 == 0 ? Arch.AMD64 : Arch.ARM64, 16000, 65536));
        }
        List<FunctionDemand> demands = new ArrayList<>();
        for (int f = 0; f < 500; f++) {
            FunctionSpec spec = fn("fn-" + f, 250 + (f % 4) * 250, 128 + (f % 8) * 64, 1, Arch.AMD64, Arch.ARM64);
            demands.add(want(spec, 100, Map.of(Arch.AMD64, 20.0, Arch.ARM64, 15.0)));
        }
        PlacementPlan plan = placement.plan(new ClusterSnapshot(nodes, List.of()), demands, T0);
        Map<String, NodeInfo> byName = nodes.stream().collect(Collectors.toMap(NodeInfo::name, Function.identity()));
        assertThat(plan.starts()).hasSizeGreaterThanOrEqualTo(50_000);
        assertThat(plan.unplaced()).isEmpty();
        assertThat(plan.starts()).allMatch(s -> byName.containsKey(s.node()));
    }
}
