package dev.muserving.placementbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FairShareTest {

    private static final Set<Arch> BOTH = Set.of(Arch.AMD64, Arch.ARM64);

    @Test
    void underContentionSatisfactionFollowsTheWeights() {
        // 5 CPUs; a (weight 1) and b (weight 3, amd64 only) want 4 each: a = L, b = 3L, 4L + 12L = 5 → L = 5/16
        PlacementWorkload workload = new PlacementWorkload(
                List.of(new PlacementWorkload.NodeShape("x", Arch.AMD64, 4000, 8000), new PlacementWorkload.NodeShape("y", Arch.ARM64, 1000, 2000)),
                List.of(new PlacementWorkload.Group("a", 1, BOTH, 1000, 1000, 4), new PlacementWorkload.Group("b", 3, Set.of(Arch.AMD64), 1000, 1000, 4)));
        Map<String, Double> fair = FairShare.of(workload);
        assertThat(fair.get("a")).isCloseTo(5 / 16.0, within(1e-6));
        assertThat(fair.get("b")).isCloseTo(15 / 16.0, within(1e-6));
    }

    @Test
    void aFunctionConfinedToAFullArchitectureStopsAndTheOthersGoOn() {
        // c runs only on the 1-CPU arm64 node: 1/4 of its 4 CPUs; then a takes the 2 amd64 CPUs it wants
        PlacementWorkload workload = new PlacementWorkload(
                List.of(new PlacementWorkload.NodeShape("x", Arch.AMD64, 2000, 4000), new PlacementWorkload.NodeShape("y", Arch.ARM64, 1000, 2000)),
                List.of(new PlacementWorkload.Group("a", 1, BOTH, 1000, 1000, 2), new PlacementWorkload.Group("c", 1, Set.of(Arch.ARM64), 1000, 1000, 4)));
        Map<String, Double> fair = FairShare.of(workload);
        assertThat(fair.get("c")).isCloseTo(0.25, within(1e-6));
        assertThat(fair.get("a")).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void withRoomForAllEveryoneIsSatisfied() {
        PlacementWorkload workload = PlacementWorkload.generate(100, 1000, 20, 0.5, 3);
        assertThat(FairShare.of(workload).values()).allSatisfy(v -> assertThat(v).isCloseTo(1.0, within(1e-6)));
    }
}
