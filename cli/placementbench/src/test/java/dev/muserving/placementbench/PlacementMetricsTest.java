package dev.muserving.placementbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementMetricsTest {

    @Test
    void theWorkloadIsSeededMixedAndAsksTheOverload() {
        PlacementWorkload a = PlacementWorkload.generate(100, 1000, 20, 1.3, 7);
        assertThat(a).isEqualTo(PlacementWorkload.generate(100, 1000, 20, 1.3, 7));
        assertThat(a).isNotEqualTo(PlacementWorkload.generate(100, 1000, 20, 1.3, 8));
        assertThat(a.pods()).isEqualTo(1000);
        assertThat(a.nodes()).extracting(PlacementWorkload.NodeShape::arch).containsOnly(Arch.AMD64, Arch.ARM64);
        assertThat(a.nodes().stream().filter(n -> n.arch() == Arch.AMD64).count()).isEqualTo(60);
        assertThat(a.nodes().stream().map(PlacementWorkload.NodeShape::cpuMillis).distinct().count()).isGreaterThan(1);
        long capacity = a.nodes().stream().mapToLong(PlacementWorkload.NodeShape::cpuMillis).sum();
        long demand = a.groups().stream().mapToLong(g -> (long) g.cpuMillis() * g.replicas()).sum();
        assertThat(demand / (double) capacity).isCloseTo(1.3, within(0.15));
    }

    @Test
    void figuresOfAHandCheckedRun() {
        // one 4-CPU amd64 node and one 2-CPU arm64 node; "a" (weight 1) wants 4 one-CPU pods, "b" (weight 3) 2 of them, amd64 only
        PlacementWorkload workload = new PlacementWorkload(
                List.of(new PlacementWorkload.NodeShape("n1", Arch.AMD64, 4000, 8000), new PlacementWorkload.NodeShape("n2", Arch.ARM64, 2000, 4000)),
                List.of(new PlacementWorkload.Group("a", 1, Set.of(Arch.AMD64, Arch.ARM64), 1000, 1000, 4),
                        new PlacementWorkload.Group("b", 3, Set.of(Arch.AMD64), 1000, 1000, 2)));
        long s = 1_000_000_000L; // the scheduler started at 1 s
        Map<String, PlacementMetrics.Binding> pods = new LinkedHashMap<>();
        pods.put("a-0", new PlacementMetrics.Binding("a", "n1", s, 2 * s));
        pods.put("a-1", new PlacementMetrics.Binding("a", "n2", s, 3 * s));
        pods.put("a-2", new PlacementMetrics.Binding("a", null, s, 0));
        pods.put("a-3", new PlacementMetrics.Binding("a", null, s, 0));
        pods.put("b-0", new PlacementMetrics.Binding("b", "n1", s, 3 * s));
        pods.put("b-1", new PlacementMetrics.Binding("b", "n2", s, 5 * s)); // on arm64, which b does not allow

        PlacementMetrics m = PlacementMetrics.of("test", workload, pods);

        assertThat(m.bound()).isEqualTo(4);
        assertThat(m.seconds()).isEqualTo(4.0);
        assertThat(m.podsPerSecond()).isEqualTo(1.0);
        assertThat(m.firstBindMs()).isEqualTo(1000.0);
        assertThat(m.bindingPodsPerSecond()).isEqualTo(1.0); // 3 more in the 3 s after the first
        assertThat(m.bindP99Ms()).isEqualTo(4000.0);
        assertThat(m.wrongArch()).isEqualTo(1);
        assertThat(m.byArch()).containsEntry("amd64", 2).containsEntry("arm64", 2);
        // the cluster (6 CPUs) holds all 6 one-CPU pods, so each function's fair satisfaction is 1: a got 0.5, b 1
        assertThat(m.minSatisfaction()).isEqualTo(0.5);
        assertThat(m.minOfFair()).isEqualTo(0.5);
        assertThat(m.jain()).isEqualTo(0.9); // (0.5 + 1)² / (2 × (0.25 + 1))
        assertThat(m.cpuAllocated()).isEqualTo(0.667); // 4 of 6 CPUs
        // free: n1 2 CPUs, n2 0; the median pod (1 CPU) fits n1, so nothing is fragmented
        assertThat(m.fragmentation()).isZero();
    }
}
