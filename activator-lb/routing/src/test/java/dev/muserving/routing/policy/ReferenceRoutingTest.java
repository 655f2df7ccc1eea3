package dev.muserving.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReferenceRoutingTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final FunctionSpec FN = new FunctionSpec("f", 0, 100, 128, Set.of(Arch.AMD64), 100, 1, 0, 0);

    @Test
    void roundRobinVisitsEveryPodInTurnWhateverItsLoad() {
        RoundRobinRouting policy = new RoundRobinRouting(FN, BalancerPosition.SINGLE, new SplittableRandom(1));
        FixedPodSet pods = FixedPodSet.ofInFlight(50, 0, 0);
        List<Integer> choices = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            choices.add(policy.choose(pods, NOW));
        }
        assertThat(choices).containsExactly(0, 1, 2, 0, 1, 2);
    }

    @Test
    void roundRobinBalancersStartAtTheirOwnOffset() {
        RoundRobinRouting second = new RoundRobinRouting(FN, new BalancerPosition(1, 2), new SplittableRandom(1));
        assertThat(second.choose(FixedPodSet.ofInFlight(0, 0, 0), NOW)).isEqualTo(1);
    }

    @Test
    void leastRequestPicksTheEmptiestAndRotatesTies() {
        LeastRequestRouting policy = new LeastRequestRouting(FN, BalancerPosition.SINGLE, new SplittableRandom(1));
        assertThat(policy.choose(FixedPodSet.ofInFlight(3, 1, 2), NOW)).isEqualTo(1);
        FixedPodSet tied = FixedPodSet.ofInFlight(0, 0, 0);
        List<Integer> choices = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int choice = policy.choose(tied, NOW);
            choices.add(choice);
            tied.send(choice);
        }
        assertThat(choices).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void bothHoldOnlyWhenThereIsNoPod() {
        FixedPodSet none = new FixedPodSet();
        assertThat(new RoundRobinRouting(FN, BalancerPosition.SINGLE, new SplittableRandom(1)).choose(none, NOW))
                .isEqualTo(RoutingPolicy.HOLD);
        assertThat(new LeastRequestRouting(FN, BalancerPosition.SINGLE, new SplittableRandom(1)).choose(none, NOW))
                .isEqualTo(RoutingPolicy.HOLD);
    }

    @Test
    void policiesAreFoundByTheirConfiguredNames() {
        assertThat(RoutingPolicies.names()).containsExactly("mu", "knative", "round-robin", "least-request", "linucb");
        assertThat(RoutingPolicies.byName("mu")).isPresent();
        assertThat(RoutingPolicies.byName("random")).isEmpty();
    }
}
